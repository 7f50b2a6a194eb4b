// `import Hearth` is all a user writes: the handler API, the in-process
// adapter, `HearthApp.run` and server pages come with it. They live in their own targets
// so that a CGI program can link them without the rest (docs/migrating.md,
// "Cold start").
@_exported import HearthRun
@_exported import HearthWeb
@_exported import HearthAuth
@_exported import HearthSessions
@_exported import HearthPublisher
@_exported import HearthPages
// A static mount, with or without pages, is described by this one type of
// HearthStatic (`configuration.staticMounts`); the rest of that target
// stays internal to the server.
@_exported import struct HearthStatic.StaticFilesConfiguration
// How a static mount runs the scripts it holds (`scripts:`).
@_exported import enum HearthStatic.StaticScriptRunner
// A virtual host's names (`VirtualHostConfiguration.names`).
@_exported import struct HearthHTTP.HostNamePattern
// Listeners and their TLS (`configuration.server.listeners`,
// `configuration.tlsListeners`), for a program that serves HTTPS itself.
@_exported import struct HearthHTTP.HTTPListener
@_exported import struct HearthTLS.TLSListenerConfiguration
@_exported import struct HearthTLS.TLSCertificateFiles
