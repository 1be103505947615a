/// Builds pydantic's error objects, key order `type, loc, msg, input[, ctx]` as
/// FastAPI serialises them.
enum ValidationIssue {
    static func make(_ type: String, _ loc: [JSONValue], _ msg: String, _ input: JSONValue, ctx: JSONValue? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string(type)), ("loc", .array(loc)), ("msg", .string(msg)), ("input", input)]
        if let ctx { fields.append(("ctx", ctx)) }
        return .object(fields)
    }

    static func missing(loc: [JSONValue], input: JSONValue) -> JSONValue {
        make("missing", loc, "Field required", input)
    }

    static func modelAttributesType(loc: [JSONValue], input: JSONValue) -> JSONValue {
        make("model_attributes_type", loc, "Input should be a valid dictionary or object to extract fields from", input)
    }

    static func jsonInvalid(_ failure: JSONParser.Failure) -> JSONValue {
        make("json_invalid", ["body", .int(Int64(failure.offset))], "JSON decode error", .object([]),
             ctx: ["error": .string(failure.message)])
    }

    /// `'a', 'b' or 'c'`, as pydantic lists the members of an enum.
    static func expected(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }

    static func enumMismatch(loc: [JSONValue], input: JSONValue, values: [String]) -> JSONValue {
        let expected = expected(values)
        return make("enum", loc, "Input should be \(expected)", input, ctx: ["expected": .string(expected)])
    }
}

/// The simple (type, message) pairs of pydantic's scalar errors.
enum ScalarIssue: String, Error {
    case stringType = "string_type"
    case intType = "int_type"
    case intParsing = "int_parsing"
    case intFromFloat = "int_from_float"
    case intParsingSize = "int_parsing_size"
    case floatType = "float_type"
    case floatParsing = "float_parsing"
    case finiteNumber = "finite_number"
    case boolType = "bool_type"
    case boolParsing = "bool_parsing"
    case listType = "list_type"
    case dictType = "dict_type"

    var message: String {
        switch self {
        case .stringType: return "Input should be a valid string"
        case .intType: return "Input should be a valid integer"
        case .intParsing: return "Input should be a valid integer, unable to parse string as an integer"
        case .intFromFloat: return "Input should be a valid integer, got a number with a fractional part"
        case .intParsingSize: return "Unable to parse input string as an integer, exceeded maximum size"
        case .floatType: return "Input should be a valid number"
        case .floatParsing: return "Input should be a valid number, unable to parse string as a number"
        case .finiteNumber: return "Input should be a finite number"
        case .boolType: return "Input should be a valid boolean"
        case .boolParsing: return "Input should be a valid boolean, unable to interpret input"
        case .listType: return "Input should be a valid list"
        case .dictType: return "Input should be a valid dictionary"
        }
    }
}
