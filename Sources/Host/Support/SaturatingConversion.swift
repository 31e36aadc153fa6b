/// Conversions of doubles that come from outside (servers, plugins, configuration) to
/// integers. `Int64(_: Double)` traps on NaN, infinities and values beyond the range, which
/// would let one odd value from a monitored server or a plugin kill the daemon; these clamp
/// instead.
extension Int64 {
    /// `value` rounded by `rule` and clamped to `Int64`'s range; 0 for NaN.
    package init(saturating value: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        guard !value.isNaN else {
            self = 0
            return
        }
        let rounded = value.rounded(rule)
        // 2^63 is the first double above Int64.max; -2^63 is Int64.min exactly.
        if rounded >= 0x1p63 {
            self = .max
        } else if rounded < -0x1p63 {
            self = .min
        } else {
            self = Int64(rounded)
        }
    }
}

extension Int {
    /// `value` rounded by `rule` and clamped to `Int`'s range; 0 for NaN.
    package init(saturating value: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        self = Int(truncatingIfNeeded: Int64(saturating: value, rounding: rule))
    }
}

extension Double {
    /// The largest magnitude accepted from a server for a number of seconds or an epoch
    /// timestamp: about 31,700 years. Anything larger is garbage, and keeping it out means the
    /// sums and differences made from such values stay finite and convertible.
    package static let plausibleMagnitude: Double = 1e12

    /// The value when it is finite and within `plausibleMagnitude`, else nil.
    package var plausible: Double? { isFinite && abs(self) < Self.plausibleMagnitude ? self : nil }
}
