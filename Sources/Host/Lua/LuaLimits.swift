/// Per-call limits. Both are checked by a count hook every 1000 VM instructions, so time spent
/// inside one C function (a long `string.rep`, a pathological pattern match) or inside a
/// registered Swift function is only noticed once it returns.
package struct LuaLimits: Sendable, Hashable {
    /// Maximum VM instructions per call, coroutines included; `nil` for none.
    package var instructionBudget: Int?
    /// Maximum wall-clock time (monotonic) per call; `nil` for none.
    package var timeout: Duration?

    package init(instructionBudget: Int? = 100_000_000, timeout: Duration? = .seconds(5)) {
        self.instructionBudget = instructionBudget
        self.timeout = timeout
    }

    /// 100 million instructions (roughly a second of busy Lua) and 5 seconds.
    package static let `default` = LuaLimits()

    var budgetForC: Int64 { instructionBudget.map { Int64(max($0, 1)) } ?? 0 }

    var timeoutNanosecondsForC: Int64 { timeout.map { max(Self.nanoseconds($0), 1) } ?? 0 }

    /// Whole nanoseconds of `duration`, saturating instead of overflowing.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || overflow2 { return seconds < 0 ? .min : .max }
        return total
    }
}
