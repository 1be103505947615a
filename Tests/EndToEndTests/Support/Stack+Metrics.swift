extension Stack {
    /// The value of one series (`name` or `name{labels}`) in a `/metrics` scrape, nil if absent.
    func metric(_ series: String) throws -> Double? {
        let text = try client.get("/metrics").text
        return text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }
}
