internal import COrchestratorSystem
import Foundation

/// Which plugin files the daemon may run or load: the sshd `StrictModes` rule. The file and
/// every directory above it, up to `/`, must be owned by root or by the daemon's effective
/// user and must not be writable by group or others; otherwise anyone who can write one of
/// them could make the daemon (often root) run their code. A directory with the sticky bit
/// (`/tmp`) may be writable by all: nobody but an entry's owner can rename or replace it.
///
/// Symbolic links are resolved first (hooks are often linked in from a package) and the
/// target is checked. At execution the file is opened again without following links and
/// compared with what was checked (`open`), so a swap after the scan runs nothing.
enum PluginFileTrust {
    /// The checked file: its resolved path and identity.
    struct Checked: Sendable, Equatable {
        let path: String
        let device: UInt64
        let inode: UInt64
    }

    struct Refusal: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// Checks `path` (a plugin file) and the directories above its resolved target.
    static func check(_ path: String, euid: uid_t = geteuid()) throws(Refusal) -> Checked {
        guard let resolved = realpath(path, nil) else {
            throw Refusal(description: "cannot resolve: \(String(cString: strerror(errno)))")
        }
        let target = String(cString: resolved)
        free(resolved)
        var info = csystem_file_info()
        guard csystem_lstat(target, &info) == 0 else { throw Refusal(description: "cannot stat \(target): \(String(cString: strerror(errno)))") }
        guard info.mode & S_IFMT == S_IFREG else { throw Refusal(description: "\(target) is not a regular file") }
        try verify(target, info, euid: euid)
        try verifyDirectories(above: target, euid: euid)
        if target != path {
            // The link's own directory too: whoever can write it can point the link elsewhere.
            let linkDirectory = (path as NSString).deletingLastPathComponent
            guard let resolvedDirectory = realpath(linkDirectory.isEmpty ? "." : linkDirectory, nil) else {
                throw Refusal(description: "cannot resolve \(linkDirectory)")
            }
            let directory = String(cString: resolvedDirectory)
            free(resolvedDirectory)
            try verifyDirectories(above: directory + "/.", euid: euid)
        }
        return Checked(path: target, device: info.device, inode: info.inode)
    }

    /// Every directory above `path` (a resolved path), up to `/`.
    private static func verifyDirectories(above path: String, euid: uid_t) throws(Refusal) {
        var directory = (path as NSString).deletingLastPathComponent
        while true {
            var parent = csystem_file_info()
            guard csystem_lstat(directory, &parent) == 0 else { throw Refusal(description: "cannot stat \(directory): \(String(cString: strerror(errno)))") }
            try verify(directory, parent, euid: euid)
            if directory == "/" || directory.isEmpty { break }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// Opens the checked file again, without following a link, and makes sure it is still
    /// the same file, owned and protected as when it was checked. Returns a close-on-exec
    /// descriptor (`O_PATH`: enough to execute or to read through /proc, and opening it
    /// never blocks on a FIFO).
    static func open(_ checked: Checked, euid: uid_t = geteuid()) throws(Refusal) -> Int32 {
        let descriptor = Foundation.open(checked.path, openPath | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Refusal(description: "cannot open \(checked.path): \(String(cString: strerror(errno)))") }
        var info = csystem_file_info()
        guard csystem_fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw Refusal(description: "cannot stat \(checked.path)")
        }
        guard info.mode & S_IFMT == S_IFREG, info.device == checked.device, info.inode == checked.inode else {
            close(descriptor)
            throw Refusal(description: "\(checked.path) was replaced since it was checked (reload the plugins to accept the new file)")
        }
        do {
            try verify(checked.path, info, euid: euid)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// The contents of the checked file (a Lua script), read again without following a link,
    /// compared with what was checked, and refused beyond `limit` bytes.
    static func read(_ checked: Checked, limit: Int, euid: uid_t = geteuid()) throws(Refusal) -> Data {
        let descriptor = try open(checked, euid: euid)
        defer { close(descriptor) }
        return try LuaSourceFile.read(descriptor: descriptor, path: checked.path, limit: limit)
    }

    /// Linux's `O_PATH`, which Swift's Glibc module does not export.
    static let openPath = csystem_o_path()

    private static func verify(_ path: String, _ info: csystem_file_info, euid: uid_t) throws(Refusal) {
        guard info.uid == 0 || info.uid == euid else {
            throw Refusal(description: "\(path) is owned by uid \(info.uid), not by root or the daemon's user (uid \(euid))")
        }
        let isDirectory = info.mode & S_IFMT == S_IFDIR
        let sticky = isDirectory && info.mode & S_ISVTX != 0
        guard info.mode & (S_IWGRP | S_IWOTH) == 0 || sticky else {
            throw Refusal(description: "\(path) is writable by its group or by others (mode \(String(info.mode & 0o7777, radix: 8))); chmod go-w it")
        }
    }
}
