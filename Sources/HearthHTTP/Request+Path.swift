import HearthCGI

extension Request {
    /// The target's path as every mount and resolver reads it
    /// (`RequestPath`): decoded once, empty segments merged. A path that
    /// cannot be read is refused here, before any mount sees it: 404 for an
    /// encoded slash (Apache's `AllowEncodedSlashes Off`), 400 otherwise.
    public var path: RequestPath {
        get throws(HTTPError) {
            if let readPath { return readPath }
            switch RequestPath.parse(rawPath) {
            case .success(let path): return path
            case .failure(let rejection):
                if case .encodedSlash = rejection { throw HTTPError(.notFound, "\(rejection)") }
                throw HTTPError(.badRequest, "\(rejection)")
            }
        }
    }

    /// `path`, kept in the request for whoever reads it next.
    public mutating func readPathOnce() throws(HTTPError) -> RequestPath {
        let path = try self.path
        readPath = path
        return path
    }
}
