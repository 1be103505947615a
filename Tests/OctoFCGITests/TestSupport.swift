import Examples
import Foundation

typealias EchoServiceInputAlias = EchoService.Input

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}
