import Foundation

/// A bounded first-in, first-out hand-off between one producing and one consuming thread.
/// `put` blocks while `capacity` items wait (so a fast producer cannot run ahead of the
/// consumer and grow memory); `take` blocks until an item arrives or the producer is done.
final class HandOff<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Taken slots are cleared at once (nil) so a consumed item's memory is freed then, not
    /// when the array is next compacted.
    private var items: [Item?] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Queues `item`, waiting while the queue is full. Returns false (dropping nothing the
    /// consumer still wants) once the consumer has cancelled.
    @discardableResult
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, or nil when the producer has finished and the queue is empty.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !finished { condition.wait() }
        guard head < items.count, let item = items[head] else { return nil }
        items[head] = nil
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// The producer will put nothing more.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stopped (it failed): a blocked or later `put` returns false at once.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
