import HearthCGI

extension Request {
    /// The target's path as every mount and resolver reads it
    /// (`RequestPath`): decoded once, empty segments merged. A path that
    /// cannot be read is refused here, before any mount sees it: 404 for an
    /// encoded slash (Apache's `AllowEncodedSlashes Off`), 400 otherwise.
    public var path: RequestPath {
        get throws(HTTPError) {
            switch RequestPath.parse(rawPath) {
            case .success(let path): return path
            case .failure(let rejection):
                if case .encodedSlash = rejection { throw HTTPError(.notFound, "\(rejection)") }
                throw HTTPError(.badRequest, "\(rejection)")
            }
        }
    }
}
