import Foundation
import Testing
@testable import Vigil

/// The bounded queue between triage's reading and writing threads.
struct HandOffTests {
    final class Payload: Sendable {
        let n: Int
        init(_ n: Int) { self.n = n }
    }

    @Test func itemsArriveInOrderAcrossThreadsAndTheProducerIsHeldBack() {
        let queue = HandOff<Int>(capacity: 3)
        let producer = Thread {
            for i in 0..<10_000 { queue.put(i) }
            queue.finish()
        }
        producer.start()
        var received: [Int] = []
        while let i = queue.take() { received.append(i) }
        #expect(received == Array(0..<10_000))
    }

    @Test func aTakenItemIsReleasedAtOnce() {
        let queue = HandOff<Payload>(capacity: 4)
        weak var released: Payload?
        do {
            let p = Payload(1)
            released = p
            queue.put(p)
            queue.put(Payload(2))
        }
        do {
            let taken = queue.take()
            #expect(taken?.n == 1)
        }
        #expect(released == nil, "the queue must not keep a consumed item alive")
    }

    /// Counts, shared with the producer thread; read after it signalled.
    final class Counter: @unchecked Sendable {
        var accepted = 0
    }

    @Test func cancellingReleasesABlockedProducer() {
        let queue = HandOff<Int>(capacity: 1)
        let done = DispatchSemaphore(value: 0)
        let counter = Counter()
        let producer = Thread {
            for i in 0..<100 where queue.put(i) { counter.accepted += 1 }
            done.signal()
        }
        producer.start()
        _ = queue.take()
        queue.cancel()
        #expect(done.wait(timeout: .now() + 10) == .success, "put must return false once cancelled")
        #expect(counter.accepted <= 2)
    }
}
