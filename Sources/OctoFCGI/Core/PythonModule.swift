/// An octoai-sdk Python service (`--service-module`) and where octoai runs it
/// from: the interpreter, the module and class the seed's rules select, and the
/// private directory holding the host package octoai ships (`ModelHost/Python`)
/// and the service's description. Part of the configuration every child gets:
/// the model owner is that interpreter, the responders read the description.
package struct PythonModule: Codable, Sendable, Equatable {
    /// The Python interpreter (`--python`, `OCTOAI_PYTHON`, `$VIRTUAL_ENV/bin/python`, `python3`).
    package var interpreter: String
    /// `--service-module`: a module name (imported with the current directory on
    /// `sys.path`, as the seed does) or a path to a `.py` file.
    package var module: String
    /// `--service-class`, nil for the seed's choice.
    package var serviceClass: String?
    /// A 0700 directory with `octoai_fcgi/` (the host) and `description.json`.
    package var hostDirectory: String
    /// True when nothing described the service before serving (the describe cache
    /// had no current entry): the first model owner writes the description after
    /// its import and the supervisor reads it before it listens, so a first start
    /// imports the service once, not twice in a row.
    package var describedByOwner = false
    /// The describe-cache entry to keep that description in (nil: no cache).
    package var describeCacheEntry: String?

    package init(interpreter: String, module: String, serviceClass: String?, hostDirectory: String) {
        self.interpreter = interpreter
        self.module = module
        self.serviceClass = serviceClass
        self.hostDirectory = hostDirectory
    }

    /// Where `describe` (or the first model owner) writes the service's description.
    var descriptionPath: String { hostDirectory + "/description.json" }
    /// Where it writes what the description was made from, for the describe cache.
    var inputsPath: String { hostDirectory + "/inputs.json" }
}
