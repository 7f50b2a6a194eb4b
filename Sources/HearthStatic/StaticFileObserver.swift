import HearthHTTP

/// Told how many bytes of a file's body went out (a static file, a file a
/// script named with X-Sendfile): the site's mount metrics adopt it
/// (`hearth_static_sent_bytes_total`). Found through the request's notes
/// (`RequestNotes.observer`), so the static responders need no wiring.
package protocol StaticFileObserver: RequestObserver {
    func fileBodySent(bytes: Int)
}
