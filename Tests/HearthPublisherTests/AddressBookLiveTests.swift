import Foundation
import HearthTesting
import Testing

/// The example server (`Examples/AddressBook`), started as its own process
/// on an ephemeral port: reads open, writes POST-only behind a
/// function-level password, state kept across requests.
@Suite struct AddressBookLiveTests {
    static func start() async throws -> (HearthProcess, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let server = try await HearthProcess.launch(
            HearthProcess.builtExecutable("addressbook-server"), arguments: ["--port", "0"], workingDirectory: directory.path
        )
        return (server, directory)
    }

    static let editor = "Authorization: Basic " + Data("editor:address-book".utf8).base64EncodedString()

    static func get(_ port: Int, _ path: String, headers: [String] = []) async throws -> RawResponse {
        try await rawRequest("GET \(path) HTTP/1.1\r\nHost: test\r\n" + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n", port: port)
    }

    static func post(_ port: Int, _ path: String, _ form: String, headers: [String] = []) async throws -> RawResponse {
        try await rawRequest(
            "POST \(path) HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n"
                + headers.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n" + form,
            port: port
        )
    }

    @Test func readsAreOpenAndWritesNeedAnEditor() async throws {
        let (server, directory) = try await Self.start()
        let port = server.port
        let help = try await Self.get(port, "/api/")
        let list = try await Self.get(port, "/api/contacts/")
        let grace = try await Self.get(port, "/api/contacts/show?id=2")
        let navy = try await Self.get(port, "/api/contacts/search?q=NAVY")
        let anonymous = try await Self.post(port, "/api/contacts/add", "name=Alan")
        let guessed = try await Self.post(port, "/api/contacts/add", "name=Alan", headers: ["Authorization: Basic " + Data("editor:Guessed-Pw-9".utf8).base64EncodedString()])
        let added = try await Self.post(port, "/api/contacts/add", "name=Alan+Turing&birthday=1912-06-23&tags=logic&tags=codes", headers: [Self.editor])
        let getWrite = try await Self.get(port, "/api/contacts/add?name=Eve", headers: [Self.editor])
        let updated = try await Self.post(port, "/api/contacts/update", "id=3&email=alan%40example.org", headers: [Self.editor])
        let removed = try await Self.post(port, "/api/contacts/remove", "id=1", headers: [Self.editor])
        let gone = try await Self.get(port, "/api/contacts/show?id=1")
        let unpublished = try await Self.get(port, "/api/contacts/removeAll")
        let badID = try await Self.get(port, "/api/contacts/show?id=%3Cb%3E")
        let after = try await Self.get(port, "/api/contacts/")
        #expect(try await server.terminate() == 0)
        withExtendedLifetime(directory) {}

        #expect(help.status == 200 && help.header("Content-Type") == "text/plain; charset=utf-8" && help.text.hasPrefix("Address book:"))
        #expect(list.status == 200 && list.header("Content-Type") == "application/json")
        #expect(list.text == #"[{"email":"ada@example.org","id":1,"name":"Ada Lovelace","tags":["maths"]},{"id":2,"name":"Grace Hopper","phone":"+1 555 0100","tags":["navy","compilers"]}]"# + "\n")
        #expect(grace.text == #"{"id":2,"name":"Grace Hopper","phone":"+1 555 0100","tags":["navy","compilers"]}"# + "\n")
        #expect(navy.text == "[" + grace.text.dropLast() + "]\n")
        #expect(anonymous.status == 401 && anonymous.header("WWW-Authenticate") == #"Basic realm="Address book editors", charset="UTF-8""#)
        #expect(guessed.status == 401)
        #expect(added.status == 200)
        #expect(added.text == #"{"birthday":"1912-06-23T00:00:00Z","id":3,"name":"Alan Turing","tags":["logic","codes"]}"# + "\n")
        #expect(getWrite.status == 405 && getWrite.header("Allow") == "POST")
        #expect(updated.text.contains(#""email":"alan@example.org""#) && updated.text.contains(#""name":"Alan Turing""#))
        #expect(removed.status == 200 && removed.text.contains("Ada Lovelace"))
        #expect(gone.status == 404)
        #expect(unpublished.status == 404, "removeAll is a public method of AddressBook, but not published")
        #expect(badID.status == 400 && badID.text == "400 Bad Request\nfield \"id\": must be an integer\n")
        #expect(after.text.contains("Grace Hopper") && after.text.contains("Alan Turing") && !after.text.contains("Ada"))

        let log = server.errors
        #expect(log.contains(#"authentication failed for user "editor" in realm "Address book editors""#))
        #expect(log.contains("remote=127.0.0.1"))
        #expect(!log.contains("Guessed-Pw-9") && !log.contains("address-book"))
    }

    @Test func anHtpasswdFileCanReplaceTheBuiltInEditor() async throws {
        let directory = try TemporaryDirectory()
        let line = try HtpasswdFixture.line("B", user: "carol", password: "carols-pw")
        _ = try directory.write("editors", Array(line.utf8))
        let server = try await HearthProcess.launch(
            HearthProcess.builtExecutable("addressbook-server"), arguments: ["--port", "0", "--htpasswd", "editors"],
            workingDirectory: directory.path
        )
        let carol = "Authorization: Basic " + Data("carol:carols-pw".utf8).base64EncodedString()
        let byCarol = try await Self.post(server.port, "/api/contacts/add", "name=Carol", headers: [carol])
        let byEditor = try await Self.post(server.port, "/api/contacts/add", "name=Eve", headers: [Self.editor])
        #expect(try await server.terminate() == 0)
        #expect(byCarol.status == 200 && byCarol.text.contains(#""name":"Carol""#))
        #expect(byEditor.status == 401)
    }
}
