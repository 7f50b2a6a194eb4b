import HearthAuth
import HearthWeb
import Logging

extension Publisher {
    /// Basic authentication at the object or function level: nil when the
    /// request may go on, now carrying REMOTE_USER and AUTH_TYPE (RFC 3875
    /// §4.1.11, §4.1.1) and no longer its `Authorization` field — the
    /// password is the server's business once it checked it, as for a
    /// mount (SECURITY.md).
    func authenticate(_ request: inout HearthRequest, _ authenticator: BasicAuthenticator) async throws -> HearthResponse? {
        switch try await authenticator.check(authorization: request.headerFields[values: .authorization]) {
        case .allowed(let user):
            request.authenticate(user: user, type: "Basic")
            request.headerFields[.authorization] = nil
            return nil
        case .challenge(let message):
            var challenge = refuse(HearthError.unauthorized(realm: authenticator.realm), request, message)
            // HearthAuth's value, the one every level sends (ErrorMapping
            // writes the same; HearthWeb cannot import HearthAuth).
            challenge.headerFields[.wwwAuthenticate] = authenticator.challenge
            return challenge
        case .forbidden(_, let message):
            return refuse(HearthError.forbidden, request, message)
        }
    }

    /// A failure of the arguments: the field named in the page and the log.
    func refuse(_ failure: Binding.Failure, _ request: HearthRequest) -> HearthResponse {
        switch failure {
        case .field(let problem):
            return refuse(
                HearthError.invalidField(name: problem.field, problem: problem.problem), request,
                "argument \(problem.field.debugDescription) \(problem.problem)"
            )
        case .form(let error):
            return refuse(error, request, "unreadable form: \(error)")
        case .unsupported(let unsupported):
            logger.error("published function cannot be called", metadata: metadata(request, ["error": "\(unsupported)"]))
            return ErrorMapping.response(for: unsupported).response
        }
    }

    /// The response `ErrorMapping` gives `error`, and a notice line saying
    /// why, with the path as sent (still encoded: no control characters
    /// reach the log) and the remote address. Never a value or password.
    func refuse(_ error: HearthError, _ request: HearthRequest, _ why: String) -> HearthResponse {
        let mapped = ErrorMapping.response(for: error)
        logger.notice("\(why)", metadata: metadata(request, ["status": "\(mapped.response.status.code)"]))
        return mapped.response
    }

    private func metadata(_ request: HearthRequest, _ more: Logger.Metadata) -> Logger.Metadata {
        more.merging(["path": "\(request.path)", "remote": "\(request.remoteAddress)"]) { $1 }
    }
}
