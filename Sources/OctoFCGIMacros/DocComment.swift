import SwiftSyntax

/// Reads `///` and `/** */` comments into a description: consecutive lines are
/// joined with spaces (they wrap one sentence), blank lines separate paragraphs.
enum DocComment {
    static func text(of trivia: Trivia) -> String? {
        var lines: [String] = []
        for piece in trivia {
            switch piece {
            case let .docLineComment(text):
                lines.append(String(text.dropFirst(3)))
            case let .docBlockComment(text):
                let body = text.dropFirst(3).dropLast(2)
                lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    let trimmed = line.drop { $0 == " " || $0 == "\t" }
                    return String(trimmed.hasPrefix("*") ? trimmed.dropFirst() : trimmed)
                }
            case .lineComment, .blockComment:
                lines.removeAll()
            default:
                continue
            }
        }
        return join(lines)
    }

    private static func join(_ lines: [String]) -> String? {
        var paragraphs: [[String]] = [[]]
        for line in lines {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(trimmed)
            }
        }
        let text = paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }.joined(separator: "\n\n")
        return text.isEmpty ? nil : text
    }
}

extension String {
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
