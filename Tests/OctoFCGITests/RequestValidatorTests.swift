import Testing
@testable import OctoFCGI

@Suite struct RequestValidatorTests {
    static let nested = ObjectSchema(name: "Nested", fields: [SchemaField(name: "name", schema: .string, required: true)])
    static let schema = SchemaNode.object(ObjectSchema(name: "Input", fields: [
        SchemaField(name: "prompt", schema: .string, required: true),
        SchemaField(name: "max_tokens", schema: .integer, required: false, defaultValue: 16),
        SchemaField(name: "f", schema: .number, required: false, defaultValue: 1.0),
        SchemaField(name: "b", schema: .boolean, required: false, defaultValue: false),
        SchemaField(name: "items", schema: .array(.object(nested)), required: false, defaultValue: []),
        SchemaField(name: "d", schema: .dictionary(.integer), required: false, defaultValue: .object([])),
        SchemaField(name: "color", schema: .stringEnum(name: "Color", values: ["a", "b", "c"]), required: false, defaultValue: "a"),
        SchemaField(name: "n", schema: .optional(.object(nested)), required: false),
        SchemaField(name: "o", schema: .optional(.integer), required: false),
    ]))

    func validate(_ body: String, contentType: String? = "application/json") -> Result<String, ValidationFailure> {
        RequestValidator.validate(body: Array(body.utf8), contentType: contentType, schema: Self.schema)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func errors(_ body: String, contentType: String? = "application/json") -> String {
        guard case let .failure(failure) = validate(body, contentType: contentType) else { return "valid" }
        return JSONValue.array(failure.errors).serialized
    }

    @Test func emptyBodyIsMissing() {
        #expect(errors("") == #"[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]"#)
    }

    @Test func nonJSONContentTypeIsModelAttributesType() {
        let expected = #"[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"prompt=x"}]"#
        #expect(errors("prompt=x", contentType: "application/x-www-form-urlencoded") == expected)
        #expect(errors("prompt=x", contentType: "text/json") == expected)
    }

    @Test(arguments: [nil, "", "application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"])
    func jsonContentTypes(contentType: String?) {
        #expect(validate(#"{"prompt":"x"}"#, contentType: contentType) ==
            .success(#"{"prompt":"x","max_tokens":16,"f":1.0,"b":false,"items":[],"d":{},"color":"a"}"#))
    }

    @Test func invalidJSONReportsOffsetAndPythonMessage() {
        #expect(errors(#"{"prompt": "x",}"#) ==
            #"[{"type":"json_invalid","loc":["body",15],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting property name enclosed in double quotes"}}]"#)
    }

    @Test func nonObjectJSONIsModelAttributesType() {
        #expect(errors("[1]") ==
            #"[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":[1]}]"#)
    }

    @Test func missingFieldEchoesTheObject() {
        #expect(errors(#"{"extra":1}"#) == #"[{"type":"missing","loc":["body","prompt"],"msg":"Field required","input":{"extra":1}}]"#)
    }

    /// The same body pydantic 2.13 (`validate_python(..., from_attributes=True)`) reports eleven errors for.
    @Test func reportsEveryErrorLikePydantic() {
        let body = #"{"prompt": 1, "max_tokens": 1.5, "f": "x", "b": "maybe", "items": [{"name": 2}, 3, "s"], "d": {"k": "x"}, "color": "z", "n": "s", "o": "q"}"#
        let expected = """
            [{"type":"string_type","loc":["body","prompt"],"msg":"Input should be a valid string","input":1},\
            {"type":"int_from_float","loc":["body","max_tokens"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5},\
            {"type":"float_parsing","loc":["body","f"],"msg":"Input should be a valid number, unable to parse string as a number","input":"x"},\
            {"type":"bool_parsing","loc":["body","b"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"},\
            {"type":"string_type","loc":["body","items",0,"name"],"msg":"Input should be a valid string","input":2},\
            {"type":"model_attributes_type","loc":["body","items",1],"msg":"Input should be a valid dictionary or object to extract fields from","input":3},\
            {"type":"model_attributes_type","loc":["body","items",2],"msg":"Input should be a valid dictionary or object to extract fields from","input":"s"},\
            {"type":"int_parsing","loc":["body","d","k"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},\
            {"type":"enum","loc":["body","color"],"msg":"Input should be 'a', 'b' or 'c'","input":"z","ctx":{"expected":"'a', 'b' or 'c'"}},\
            {"type":"model_attributes_type","loc":["body","n"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"s"},\
            {"type":"int_parsing","loc":["body","o"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"q"}]
            """
        #expect(errors(body) == expected)
    }

    @Test func containerTypeErrors() {
        #expect(errors(#"{"prompt":"x","items":{"a":1},"d":[1]}"#) == """
            [{"type":"list_type","loc":["body","items"],"msg":"Input should be a valid list","input":{"a":1}},\
            {"type":"dict_type","loc":["body","d"],"msg":"Input should be a valid dictionary","input":[1]}]
            """)
    }

    @Test func nullOnlyForOptionalFields() {
        #expect(errors(#"{"prompt":null,"max_tokens":null,"f":null,"b":null,"o":null,"n":null}"#) == """
            [{"type":"string_type","loc":["body","prompt"],"msg":"Input should be a valid string","input":null},\
            {"type":"int_type","loc":["body","max_tokens"],"msg":"Input should be a valid integer","input":null},\
            {"type":"float_type","loc":["body","f"],"msg":"Input should be a valid number","input":null},\
            {"type":"bool_type","loc":["body","b"],"msg":"Input should be a valid boolean","input":null}]
            """)
    }

    @Test func laxCoercionsNormaliseTheBody() {
        #expect(validate(#"{"o":null,"max_tokens":"  12 ","f":true,"b":"YES","prompt":"x","extra":[1],"items":[{"name":"n","z":1}]}"#) ==
            .success(#"{"prompt":"x","max_tokens":12,"f":1.0,"b":true,"items":[{"name":"n"}],"d":{},"color":"a","o":null}"#))
        #expect(validate(#"{"prompt":"x","max_tokens":true,"b":1,"f":"1e3","d":{"k":"1_000"}}"#) ==
            .success(#"{"prompt":"x","max_tokens":1,"f":1000.0,"b":true,"items":[],"d":{"k":1000},"color":"a"}"#))
        #expect(validate(#"{"prompt":"x","max_tokens":3.0,"b":0.0,"f":2}"#) ==
            .success(#"{"prompt":"x","max_tokens":3,"f":2,"b":false,"items":[],"d":{},"color":"a"}"#))
    }

    @Test(arguments: [
        ("1e3", "int_parsing"), ("1.", "int_parsing"), ("_1", "int_parsing"), ("1__0", "int_parsing"), ("", "int_parsing"),
        ("+-1", "int_parsing"), ("1.5", "int_parsing"), ("0x10", "int_parsing"), ("99999999999999999999999", "int_parsing_size"),
    ])
    func integerStringsRejected(text: String, type: String) {
        guard case let .failure(failure) = validate(#"{"prompt":"x","max_tokens":"\#(text)"}"#) else {
            Issue.record("accepted \(text)")
            return
        }
        #expect(failure.errors.first?["type"] == .string(type))
    }

    @Test(arguments: [("-0", 0), ("1.00", 1), (" -3 ", -3), ("+5", 5), ("1_000", 1000)] as [(String, Int64)])
    func integerStringsAccepted(text: String, value: Int64) {
        #expect(LaxCoercion.integer(.string(text)) == .success(.int(value)))
    }

    @Test func integerFromFloats() {
        #expect(LaxCoercion.integer(-2.0) == .success(-2))
        #expect(LaxCoercion.integer(1e18) == .success(.int(1_000_000_000_000_000_000)))
        #expect(LaxCoercion.integer(9.3e18) == .failure(.intParsingSize))
        #expect(LaxCoercion.integer(.array([])) == .failure(.intType))
    }

    @Test func floatStrings() {
        for (text, value) in [("1e3", 1000.0), (".5", 0.5), ("5.", 5), (" -3 ", -3), ("+1", 1), ("1_0", 10), ("1_0.5", 10.5)] {
            #expect(LaxCoercion.number(.string(text)) == .success(.double(value)), "\(text)")
        }
        for text in ["", "0x1", "_1", "1_", "abc", "1e"] {
            #expect(LaxCoercion.number(.string(text)) == .failure(.floatParsing), "\(text)")
        }
        #expect(LaxCoercion.number(.string("inf")) == .failure(.finiteNumber))
        #expect(LaxCoercion.number(.object([])) == .failure(.floatType))
    }

    @Test func booleans() {
        for text in ["TRUE", "On", "1", "Y", "yes", "t"] { #expect(LaxCoercion.boolean(.string(text)) == .success(true)) }
        for text in ["false", "OFF", "0", "n", "No", "F"] { #expect(LaxCoercion.boolean(.string(text)) == .success(false)) }
        for text in [" true", "2", ""] { #expect(LaxCoercion.boolean(.string(text)) == .failure(.boolParsing)) }
        #expect(LaxCoercion.boolean(2) == .failure(.boolParsing))
        #expect(LaxCoercion.boolean(1.5) == .failure(.boolType))
        #expect(LaxCoercion.boolean(1.0) == .success(true))
        #expect(LaxCoercion.boolean(.array([])) == .failure(.boolType))
    }

    @Test func enumMessages() {
        #expect(ValidationIssue.expected(["a"]) == "'a'")
        #expect(ValidationIssue.expected(["a", "b"]) == "'a' or 'b'")
    }

    @Test func nonObjectInputSchemas() {
        let result = RequestValidator.validate(body: Array(#"["a",2]"#.utf8), contentType: nil, schema: .array(.string))
        guard case let .failure(failure) = result else { Issue.record("accepted"); return }
        #expect(failure.errors == [ValidationIssue.make("string_type", ["body", 1], "Input should be a valid string", 2)])
    }

    @Test func echoServiceInput() throws {
        let schema = SchemaProbe.schema(of: EchoServiceInputAlias.self)
        let result = RequestValidator.validate(body: Array(#"{"prompt":"hello"}"#.utf8), contentType: "application/json", schema: schema)
        #expect(result.map { String(decoding: $0, as: UTF8.self) } == .success(#"{"prompt":"hello","max_tokens":16}"#))
    }
}
