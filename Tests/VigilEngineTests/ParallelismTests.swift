import Testing
@testable import VigilEngine

struct ParallelismTests {
    @Test(arguments: [1, 2, 3, 8], [0, 1, 7, 1000])
    func partitionCoversEveryIndexOnceInOrder(threads: Int, count: Int) {
        let parts = Parallelism.partition(count: count, threads: threads)
        #expect(parts.count <= max(1, threads))
        #expect(parts.flatMap { Array($0) } == Array(0..<count))
        #expect(parts.allSatisfy { !$0.isEmpty })
    }

    @Test func minimumKeepsSmallJobsOnOneThread() {
        #expect(Parallelism.partition(count: 100, threads: 2, minimum: 64).count == 1)
        #expect(Parallelism.partition(count: 128, threads: 2, minimum: 64).count == 2)
    }
}
