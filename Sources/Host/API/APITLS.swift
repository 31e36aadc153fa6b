import NIOSSL

/// HTTPS for the API (`UseSSL`, `SSLCertFile`, `SSLPrivateKeyFile`; `UseMutualTLS` with
/// `SSLCAFile` to require client certificates), through NIOSSL. TLS 1.2 at least: NIOSSL's
/// server default still accepts 1.0 and 1.1.
enum APITLS {
    static func serverConfiguration(_ http: Configuration.HTTP) throws(APIServerError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(http.sslCertFile)
        } catch {
            throw APIServerError("SSLCertFile \(http.sslCertFile): cannot load a PEM certificate (\(error)); give a readable PEM certificate chain")
        }
        guard !chain.isEmpty else { throw APIServerError("SSLCertFile \(http.sslCertFile) holds no PEM certificate") }
        do {
            key = try NIOSSLPrivateKey(file: http.sslPrivateKeyFile, format: .pem)
        } catch {
            throw APIServerError("SSLPrivateKeyFile \(http.sslPrivateKeyFile): cannot load a PEM private key (\(error)); give an unencrypted PEM key")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if http.useMutualTLS {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .file(http.sslCAFile)
        }
        return tls
    }
}

/// The API server cannot start as configured; the message names the key and what to fix.
package struct APIServerError: Error, CustomStringConvertible, Sendable {
    package let description: String
    init(_ description: String) { self.description = description }
}
