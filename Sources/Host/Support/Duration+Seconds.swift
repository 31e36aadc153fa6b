extension Duration {
    /// The duration in seconds, as a `Double` (for metrics and human-readable steps).
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
