import HearthCGI
import HearthHTTP

/// Scripts in a CGI directory that run warm, as pooled FastCGI workers
/// (`*.fcgi`), rather than once per request. HearthWorkers provides it.
public protocol WarmScripts: Sendable {
    func runsWarm(_ script: CGIScript) -> Bool
    func respond(to request: Request, script: CGIScript, mount: CGIMountConfiguration, writer: consuming ResponseWriter) async throws
    /// What `respond` would send the worker, without starting it.
    func explain(_ request: Request, script: CGIScript, mount: CGIMountConfiguration) -> Explanation
}
