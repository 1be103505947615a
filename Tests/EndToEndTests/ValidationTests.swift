import Foundation
import Testing

/// Every 422 case of CONTRACT §2 through nginx, over both transports, against
/// `TypesService` (a field of each kind) and `EchoService`.
@Suite(.sharedStack(arguments: [], transports: Wire.allCases, service: "TypesService"))
struct ValidationTests {
    static let valid = #"{"name":"n","count":1,"ratio":0.5,"flag":true,"tags":["a"],"color":"red"}"#

    func post(_ wire: Wire, _ body: String, contentType: String? = "application/json") throws -> HTTPClient.Response {
        try Stack.shared(wire).client.post("/infer", json: body, contentType: contentType)
    }

    func errors(_ r: HTTPClient.Response) -> [[String: Any]] {
        (r.object["detail"] as? [[String: Any]]) ?? []
    }

    func replacing(_ field: String, with value: String) -> String {
        var object = try! JSONSerialization.jsonObject(with: Data(Self.valid.utf8)) as! [String: Any]
        object[field] = try! JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test(arguments: Wire.allCases) func validInputIsNormalisedAndEchoed(_ wire: Wire) throws {
        let r = try post(wire, #"{"name":"n","count":"7","ratio":2,"flag":"yes","tags":[],"color":"blue","extra":1}"#)
        #expect(r.status == 200, "\(r.text)")
        let output = try #require(r.object["output"] as? [String: Any])
        #expect(output["count"] as? Int == 7)
        #expect(output["flag"] as? Bool == true)
        #expect(output["scores"] as? [String: Double] == [:])
        #expect(output["extra"] == nil)
    }

    @Test(arguments: Wire.allCases, [
        ("name", "5", "string_type", "Input should be a valid string"),
        ("count", "null", "int_type", "Input should be a valid integer"),
        ("count", #""abc""#, "int_parsing", "Input should be a valid integer, unable to parse string as an integer"),
        ("count", "1.5", "int_from_float", "Input should be a valid integer, got a number with a fractional part"),
        ("ratio", "[1]", "float_type", "Input should be a valid number"),
        ("ratio", #""x""#, "float_parsing", "Input should be a valid number, unable to parse string as a number"),
        ("flag", "[]", "bool_type", "Input should be a valid boolean"),
        ("flag", #""maybe""#, "bool_parsing", "Input should be a valid boolean, unable to interpret input"),
        ("tags", #""a""#, "list_type", "Input should be a valid list"),
        ("color", #""purple""#, "enum", "Input should be 'red', 'green' or 'blue'"),
        ("scores", "3", "dict_type", "Input should be a valid dictionary"),
    ])
    func eachTypeError(_ wire: Wire, _ error: (field: String, value: String, type: String, message: String)) throws {
        let (field, value, type, message) = error
        let r = try post(wire, replacing(field, with: value))
        #expect(r.status == 422)
        let all = errors(r)
        #expect(all.count == 1)
        #expect(all.first?["type"] as? String == type)
        #expect(all.first?["msg"] as? String == message)
        #expect(all.first?["loc"] as? [String] == ["body", field])
    }

    @Test(arguments: Wire.allCases) func everyErrorIsListed(_ wire: Wire) throws {
        let r = try post(wire, #"{"count":"x","ratio":"y","tags":[1],"color":"red","origin":{"x":1}}"#)
        #expect(r.status == 422)
        let found = errors(r).map { "\($0["type"]!) \(($0["loc"] as? [Any])!.map { "\($0)" }.joined(separator: "."))" }
        #expect(found == [
            "missing body.name", "int_parsing body.count", "float_parsing body.ratio", "missing body.flag",
            "string_type body.tags.0", "missing body.origin.y",
        ])
        #expect(errors(r).first?["input"] is [String: Any])
    }

    @Test(arguments: Wire.allCases) func bodyLevelErrors(_ wire: Wire) throws {
        let empty = try post(wire, "")
        #expect(empty.text == #"{"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]}"#)
        let invalid = try post(wire, #"{"name": }"#)
        #expect(invalid.status == 422)
        #expect(invalid.text == #"{"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]}"#)
        let array = try post(wire, "[1]")
        #expect(array.text == #"{"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]}"#)
        let text = try post(wire, "hello", contentType: "text/plain")
        #expect(text.status == 422)
        #expect(errors(text).first?["type"] as? String == "model_attributes_type")
        #expect(errors(text).first?["input"] as? String == "hello")
    }
}
