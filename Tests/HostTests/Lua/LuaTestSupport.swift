import Foundation
import Synchronization
import Testing
import Host

/// A script written to a fresh temporary directory, removed by `remove()`.
struct LuaTempScript {
    let directory: URL
    let path: String

    init(_ source: String, name: String = "plugin.lua") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lua-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try source.write(to: url, atomically: true, encoding: .utf8)
        path = url.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

struct LuaTestError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "test failure: \(reason)" }
}

/// Runs `body` and returns the `LuaError` it throws, or nil if it does not throw.
func luaError(_ body: () async throws -> Void) async -> LuaError? {
    do {
        try await body()
        return nil
    } catch let error as LuaError {
        return error
    } catch {
        Issue.record("expected a LuaError, got \(error)")
        return nil
    }
}

/// A thread-safe list of recorded values, shareable with tasks and registered functions.
final class LuaRecorder<Element: Sendable>: Sendable {
    private let storage = Mutex<[Element]>([])

    func append(_ element: Element) {
        storage.withLock { $0.append(element) }
    }

    func append(contentsOf elements: [Element]) {
        storage.withLock { $0.append(contentsOf: elements) }
    }

    var elements: [Element] { storage.withLock { $0 } }
}

/// The result of `operation`, or nil if it is still running after `limit`. A stuck Lua call
/// cannot be cancelled, so it is left running rather than awaited: the test fails instead of
/// hanging.
func finishes<T: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async -> T) async -> T? {
    let result = LuaRecorder<T>()
    Task { result.append(await operation()) }
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if let value = result.elements.first { return value }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return nil
}
