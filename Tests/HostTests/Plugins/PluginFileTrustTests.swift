import Foundation
import HookAPI
@testable import Host
import Testing

/// Issue 11, outcome 5 (review F11): drop-ins and Lua scripts are run only when they and every
/// directory above them belong to root or the daemon's user and are not writable by others,
/// and a file swapped after the scan is never run.
@Suite struct PluginFileTrustTests {
    @Test func groupOrWorldWritableDropInsAndDirectoriesAreRefusedAndShown() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let marker = "\(scratch.path)/ran"
        let body = "#!/bin/sh\ntouch \(marker)\n"
        try scratch.write("hooks/post_failover/10-group-writable", body, executable: true)
        chmod("\(scratch.path)/hooks/post_failover/10-group-writable", 0o775)
        try scratch.write("open/post_failover/10-in-open-directory", body, executable: true)
        chmod("\(scratch.path)/open/post_failover", 0o777)
        try scratch.write("hooks/post_failover/20-lua.lua", "orc.on('post_failover', function() end)\n")
        chmod("\(scratch.path)/hooks/post_failover/20-lua.lua", 0o666)
        try scratch.write("lua/world.lua", "orc.on('post_failover', function() end)\n")
        chmod("\(scratch.path)/lua/world.lua", 0o646)
        let host = await loadedHost(pluginSettings(lua: ["\(scratch.path)/lua/world.lua"],
                                                   directories: ["\(scratch.path)/hooks", "\(scratch.path)/open"]))
        let status = host.status()
        #expect(status.plugins.isEmpty, "\(status.plugins.map(\.name))")
        let refused = Dictionary(uniqueKeysWithValues: status.disabled.map { ($0.source, $0.reason) })
        #expect(refused["\(scratch.path)/hooks/post_failover/10-group-writable"]?.contains("writable by its group or by others (mode 775)") == true)
        #expect(refused["\(scratch.path)/open/post_failover/10-in-open-directory"]?.contains("\(scratch.path)/open/post_failover is writable") == true)
        #expect(refused["\(scratch.path)/hooks/post_failover/20-lua.lua"]?.hasPrefix("refused:") == true)
        #expect(refused["\(scratch.path)/lua/world.lua"]?.hasPrefix("refused:") == true)
        #expect(status.warnings.contains { $0.contains("10-group-writable: refused") })
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(!outcome.handled)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func aDropInOwnedByAnotherUserIsRefused() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let path = try scratch.write("hooks/post_failover/10-nobody", "#!/bin/sh\nexit 0\n", executable: true)
        // The daemon's user and root are trusted; someone else's file is not (needs root to chown).
        try #require(geteuid() == 0, "run as root to give a file away")
        chown(path, 65534, 65534)
        #expect(throws: PluginFileTrust.Refusal.self) { try PluginFileTrust.check(path) }
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        #expect(host.status().disabled.first?.reason.contains("owned by uid 65534") == true, "\(host.status().disabled)")
    }

    @Test func aDropInReplacedAfterTheScanIsNotRun() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let original = "\(scratch.path)/original-ran"
        let swapped = "\(scratch.path)/swapped-ran"
        try scratch.write("hooks/post_failover/10-hook", "#!/bin/sh\ntouch \(original)\n", executable: true)
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        #expect(host.status().plugins.count == 1)
        let first = await host.run(.postFailover, event: recoveryEvent())
        #expect(!first.failed, "\(first.steps)")
        #expect(FileManager.default.fileExists(atPath: original), "the checked file runs, through its descriptor")
        // Another file renamed over the checked one (what a swap looks like).
        let other = try scratch.write("other", "#!/bin/sh\ntouch \(swapped)\n", executable: true)
        #expect(rename(other, "\(scratch.path)/hooks/post_failover/10-hook") == 0)
        let second = await host.run(.postFailover, event: recoveryEvent())
        #expect(second.failed)
        #expect(second.steps.first?.contains("was replaced since it was checked") == true, "\(second.steps)")
        #expect(!FileManager.default.fileExists(atPath: swapped))
    }

    @Test func aSymlinkedDropInRunsItsCheckedTargetEvenIfTheLinkIsRepointed() async throws {
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let original = "\(scratch.path)/original-ran"
        let swapped = "\(scratch.path)/swapped-ran"
        let target = try scratch.write("package/hook", "#!/bin/sh\ntouch \(original)\n", executable: true)
        let other = try scratch.write("package/other", "#!/bin/sh\ntouch \(swapped)\n", executable: true)
        try FileManager.default.createDirectory(atPath: "\(scratch.path)/hooks/post_failover", withIntermediateDirectories: true)
        let link = "\(scratch.path)/hooks/post_failover/10-linked"
        #expect(symlink(target, link) == 0)
        let host = await loadedHost(pluginSettings(directories: ["\(scratch.path)/hooks"]))
        #expect(host.status().plugins.count == 1)
        unlink(link)
        #expect(symlink(other, link) == 0)
        let outcome = await host.run(.postFailover, event: recoveryEvent())
        #expect(!outcome.failed, "\(outcome.steps)")
        #expect(FileManager.default.fileExists(atPath: original))
        #expect(!FileManager.default.fileExists(atPath: swapped))
    }

    @Test func aLuaScriptThatIsNotARegularFileIsRefusedAtOnce() async throws {
        let host = await loadedHost(pluginSettings(lua: ["/dev/zero"]))
        #expect(host.status().disabled.first?.reason.contains("/dev/zero is not a regular file") == true, "\(host.status().disabled)")
    }

    @Test func readingALuaFileIsBounded() async throws {
        let runtime = try LuaRuntime()
        await #expect(throws: LuaError.self) { try await runtime.execute(file: "/dev/zero") }
        let scratch = try PluginScratch()
        defer { scratch.remove() }
        let big = try scratch.write("big.lua", String(repeating: "-", count: LuaSourceFile.limit + 1))
        do {
            try await runtime.execute(file: big)
            Issue.record("an oversized script was read")
        } catch {
            #expect(error.message.contains("larger than"))
        }
    }
}
