import Foundation
import Glibc

/// `describe`'s output kept between runs, so that `octoai --service-module`
/// does not import the service twice before it serves (once to describe it,
/// then again in the model owner): that first import was a third of the
/// start-up time (bench/PYTHON_RESULTS.md). The model owner still imports the
/// module anew every time, so the code served is always the code on disk.
///
/// An entry is used only when everything its description was made from is as it
/// was. Its name (the key) covers this binary's host package, the interpreter
/// (path, inode, size, mtime), the module and class named, the working directory
/// and the environment; inside, it lists every file and folder the describing
/// interpreter imported from and every `sys.path` entry, each with its mtime and
/// size, checked with `stat` before use (a folder's mtime changes when a file is
/// added to it: a new module that would shadow an imported one is seen too). A
/// module that fails to import is never cached, so it fails before anything
/// listens, as without the cache. What is not seen: a description that depends
/// on something else (a data file read at import, the clock); for such a service
/// `OCTOAI_DESCRIBE_CACHE=0` turns the cache off.
struct PythonDescriptionCache {
    /// Entries kept (the least recently used go first): a key changes with the
    /// environment, so a shell with new variables adds one.
    static let keptEntries = 16

    let directory: String
    let key: String

    var entryPath: String { directory + "/" + key }

    /// The cache for `python` as it is run now, nil when it is off or there is no
    /// home folder (`XDG_CACHE_HOME`, else `HOME/.cache`; then `octoai/python-describe`).
    init?(_ python: PythonModule, environment: [String: String], workingDirectory: String = FileManager.default.currentDirectoryPath) {
        if let setting = environment["OCTOAI_DESCRIBE_CACHE"], ["0", "off", "false", "no"].contains(setting.lowercased()) { return nil }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            directory = xdg + "/octoai/python-describe"
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            directory = home + "/.cache/octoai/python-describe"
        } else {
            return nil
        }
        key = Self.key(python, environment: environment, workingDirectory: workingDirectory)
    }

    /// The cache whose entry is `entryPath` (as ``entryPath`` gave it).
    init(entryPath: String) {
        directory = (entryPath as NSString).deletingLastPathComponent
        key = (entryPath as NSString).lastPathComponent
    }

    /// Variables that differ between two runs of the same thing in one shell.
    static let volatileVariables: Set<String> = ["_", "OLDPWD", "SHLVL"]

    static func key(_ python: PythonModule, environment: [String: String], workingDirectory: String) -> String {
        var material = Array("octoai python describe 1".utf8)
        func add(_ text: String) {
            material.append(0)
            material += Array(text.utf8)
        }
        for (name, bytes) in PythonHost.files {
            add(name)
            material += bytes
        }
        let interpreter = stamp(python.interpreter)
        add(python.interpreter)
        add("\(interpreter.inode) \(interpreter.size) \(interpreter.mtime)")
        add(python.module)
        add(python.serviceClass.map { "class " + $0 } ?? "no class")
        add(workingDirectory)
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where !volatileVariables.contains(name) { add(name + "=" + value) }
        return SHA256.hex(material)
    }

    /// mtime (ns) and size of `path` (following links), -1 for both when it is missing.
    static func stamp(_ path: String) -> (mtime: Int64, size: Int64, inode: UInt64) {
        var st = stat()
        guard stat(path, &st) == 0 else { return (-1, -1, 0) }
        return (Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec), Int64(st.st_size), UInt64(st.st_ino))
    }

    /// Writes the cached description to `path` when the entry is current; false otherwise.
    func restore(to path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: entryPath), let newline = data.firstIndex(of: 0x0A),
            case let .array(inputs)? = try? JSONParser.parse(Array(data[..<newline]))
        else { return false }
        for input in inputs {
            guard case let .array(fields) = input, fields.count == 3, case let .string(name) = fields[0],
                case let .int(mtime) = fields[1], case let .int(size) = fields[2]
            else { return false }
            let now = Self.stamp(name)
            guard now.mtime == mtime, now.size == size else { return false }
        }
        do {
            try data[data.index(after: newline)...].write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            return false
        }
        utimes(entryPath, nil)  // recently used: pruned last
        return true
    }

    /// Keeps `description` with the `inputs` list the host wrote beside it, as
    /// one file (inputs line, newline, description) written whole or not at all.
    /// A cache that cannot be written is no cache: nothing fails.
    func save(description: String, inputs: String) {
        guard let listed = FileManager.default.contents(atPath: inputs), !listed.contains(0x0A),
            let described = FileManager.default.contents(atPath: description)
        else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try (listed + Data([0x0A]) + described).write(to: URL(fileURLWithPath: entryPath), options: .atomic)
            chmod(entryPath, 0o600)  // the key hashes the environment; the entry holds only what describe wrote
        } catch {
            return
        }
        prune()
    }

    /// Removes all but the ``keptEntries`` most recently used entries.
    func prune() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory), names.count > Self.keptEntries else { return }
        let entries = names.map { directory + "/" + $0 }.map { (path: $0, mtime: Self.stamp($0).mtime) }.sorted { $0.mtime > $1.mtime }
        for entry in entries.dropFirst(Self.keptEntries) { try? FileManager.default.removeItem(atPath: entry.path) }
    }
}
