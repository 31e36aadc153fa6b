import Foundation
import Host
import PGClient
import PGTestKit
import Testing

/// Issue 11, outcome 6 (review F9): `orc.sql` results are capped while they arrive, row by row.
@Suite("PGConnection result limit against a real server")
struct PGResultLimitTests {
    @Test("a result larger than the limit fails while arriving; one within it is whole")
    func resultLargerThanTheLimitFails() async throws {
        try await PGTopology.with(TopologySpec(standbys: 0)) { topology in
            let connection = try await topology.primary.connect()
            let small = try await connection.query("SELECT g AS n, $1::text AS t FROM generate_series(1, 1000) g", ["x"],
                                                   timeout: .seconds(10), resultLimit: 1 << 20)
            #expect(small.rows.count == 1000)
            #expect(small.columns == ["n", "t"])
            #expect(small.commandTag == "SELECT 1000")
            let empty = try await connection.query("SELECT 1 AS n WHERE false", timeout: .seconds(10), resultLimit: 1 << 20)
            #expect(empty.rows.isEmpty && empty.columns == ["n"])
            let error = await #expect(throws: PGError.self) {
                // 200 MB if it were read whole; refused after the first MiB.
                _ = try await connection.query("SELECT repeat('x', 100000) FROM generate_series(1, 2000)", timeout: .seconds(30),
                                               resultLimit: 1 << 20)
            }
            #expect(error?.code == .resultTooLarge)
            #expect(error?.message.contains("larger than 1048576 bytes") == true)
        }
    }
}
