/// A `Decoder` that answers every request with a placeholder and records the request.
final class ProbeDecoder: Decoder {
    let session: ProbeSession
    let recording: ProbeRecording
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(session: ProbeSession, codingPath: [any CodingKey], recording: ProbeRecording = ProbeRecording()) {
        self.session = session
        self.codingPath = codingPath
        self.recording = recording
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        recording.beginKeyed()
        return KeyedDecodingContainer(ProbeKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        ProbeUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ProbeSingleValueContainer(decoder: self)
    }

    /// A placeholder of `T` (and its node), or an error when none can be made.
    func placeholder<T: Decodable>(_ type: T.Type) throws -> (node: SchemaNode, value: T) {
        let (node, value) = session.probe(T.self)
        guard let value else {
            throw DecodingError.valueNotFound(T.self, .init(codingPath: codingPath, debugDescription: "schema probe"))
        }
        return (node, value)
    }
}
