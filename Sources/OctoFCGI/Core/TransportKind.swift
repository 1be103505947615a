/// The wire protocol between nginx and octoai's responders.
package enum TransportKind: String, Codable, Sendable, CaseIterable {
    /// FastCGI (`octoai fcgi`, nginx `fastcgi_pass`), through libfcgi.
    case fastcgi
    /// SCGI (`octoai scgi`, nginx `scgi_pass`): one request per connection.
    case scgi
}
