import Foundation
import MiniLM
import Synchronization
import Testing

@Suite struct EmbeddingTests {
    /// Required: cosine >= 0.9999 and max |ours - reference| <= 1e-4 for every sentence.
    @Test func embeddingsMatchTheReferenceOneByOne() throws {
        let reference = try MiniLMFixture.reference.get()
        let model = try MiniLMFixture.model.get()
        var worstCosine = 1.0, worstDiff: Float = 0, worstNorm = 0.0
        for sentence in reference.sentences {
            let ours = try model.embed([sentence.text])[0]
            #expect(ours.count == MiniLMModel.dimension)
            let cosine = MiniLMFixture.cosine(ours, sentence.embedding)
            let diff = MiniLMFixture.maxAbsDiff(ours, sentence.embedding)
            let norm = MiniLMFixture.norm(ours)
            #expect(cosine >= 0.9999, "\(sentence.id): cosine \(cosine)")
            #expect(diff <= 1e-4, "\(sentence.id): max abs diff \(diff)")
            #expect(abs(norm - 1) <= 1e-5, "\(sentence.id): norm \(norm)")
            worstCosine = min(worstCosine, cosine)
            worstDiff = max(worstDiff, diff)
            worstNorm = max(worstNorm, abs(norm - 1))
        }
        print("MiniLM vs reference: worst cosine \(worstCosine), worst max abs diff \(worstDiff), worst |norm-1| \(worstNorm)")
    }

    /// A batch gives each sentence what it gets alone (packed, unpadded batching).
    @Test func batchEqualsOneByOne() throws {
        let reference = try MiniLMFixture.reference.get()
        let model = try MiniLMFixture.model.get()
        let texts = reference.sentences.map(\.text)
        let batch = try model.embed(texts)
        #expect(batch.count == texts.count)
        for (index, text) in texts.enumerated() {
            let single = try model.embed([text])[0]
            #expect(MiniLMFixture.maxAbsDiff(batch[index], single) <= 1e-6, "\(reference.sentences[index].id)")
            #expect(MiniLMFixture.maxAbsDiff(batch[index], reference.sentences[index].embedding) <= 1e-4)
        }
    }

    @Test func pairCosinesMatchTheReference() throws {
        let reference = try MiniLMFixture.reference.get()
        let model = try MiniLMFixture.model.get()
        #expect(!reference.pairs.isEmpty)
        for pair in reference.pairs {
            let e = try model.embed([pair.textA, pair.textB])
            let cosine = MiniLMFixture.cosine(e[0], e[1])
            #expect(abs(cosine - pair.cosine) <= 1e-5, "\(pair.a) / \(pair.b): \(cosine) vs \(pair.cosine)")
        }
    }

    /// One shared model, many threads: same answers as serially.
    @Test func concurrentCallsAgree() throws {
        let reference = try MiniLMFixture.reference.get()
        let model = try MiniLMFixture.model.get()
        let texts = reference.sentences.prefix(8).map(\.text)
        let serial = try model.embed(texts)
        let worst = Mutex<Float>(0)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            // Each thread sends the texts rotated by i, so batches differ between threads.
            let order = (0..<texts.count).map { ($0 + i) % texts.count }
            guard let out = try? model.embed(order.map { texts[$0] }), out.count == texts.count else {
                failures.withLock { $0 += 1 }
                return
            }
            let diff = zip(order, out).map { MiniLMFixture.maxAbsDiff($1, serial[$0]) }.max() ?? 0
            worst.withLock { $0 = max($0, diff) }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(worst.withLock { $0 } <= 1e-6)
    }

    @Test func emptyInputGivesNoEmbeddings() throws {
        #expect(try MiniLMFixture.model.get().embed([]).isEmpty)
    }
}

/// The encoder split over a team of threads (``WorkerTeam``) computes what one thread does.
@Suite struct TeamTests {
    /// Loaded once: a model whose calls use two threads.
    static let teamModel: Result<MiniLMModel, any Error> = Result {
        try MiniLMModel(directory: MiniLMFixture.modelDirectory, threads: 2)
    }

    @Test func twoThreadsGiveWhatOneGives() throws {
        let reference = try MiniLMFixture.reference.get()
        let alone = try MiniLMFixture.model.get()
        let team = try Self.teamModel.get()
        let texts = reference.sentences.map(\.text)
        let batch = try team.embed(texts)
        let serial = try alone.embed(texts)
        for (index, sentence) in reference.sentences.enumerated() {
            let single = try team.embed([sentence.text])[0]
            #expect(MiniLMFixture.maxAbsDiff(batch[index], serial[index]) <= 1e-6, "\(sentence.id) batch")
            #expect(MiniLMFixture.maxAbsDiff(single, serial[index]) <= 1e-6, "\(sentence.id) alone")
            #expect(MiniLMFixture.cosine(single, sentence.embedding) >= 0.9999, "\(sentence.id)")
            #expect(MiniLMFixture.maxAbsDiff(single, sentence.embedding) <= 1e-4, "\(sentence.id)")
        }
    }

    /// Calls that overlap the one holding the team run alone, and all agree.
    @Test func concurrentCallsOnATeamModelAgree() throws {
        let reference = try MiniLMFixture.reference.get()
        let team = try Self.teamModel.get()
        let texts = reference.sentences.prefix(6).map(\.text)
        let expected = try MiniLMFixture.model.get().embed(texts)
        let worst = Mutex<Float>(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<3 {
                guard let out = try? team.embed(texts) else { continue }
                let diff = zip(out, expected).map { MiniLMFixture.maxAbsDiff($0, $1) }.max() ?? 1
                worst.withLock { $0 = max($0, diff) }
            }
        }
        #expect(worst.withLock { $0 } <= 1e-6)
    }
}
