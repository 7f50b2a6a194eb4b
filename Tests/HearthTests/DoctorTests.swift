import Hearth
import HearthTesting
import Testing

@Suite struct DoctorTests {
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
    }

    /// One real file per problem, plus files that must come out clean.
    @Test func examineFindsEachProblemOnce() throws {
        try dir.write("healthy.sh", "#!/bin/sh\necho ok\n", mode: 0o755)
        try dir.write("binary", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00], mode: 0o755)
        try dir.write("plain.cgi", "#!/bin/sh\necho ok\n", mode: 0o644)
        try dir.write("words.cgi", "echo no interpreter line\n", mode: 0o755)
        try dir.write("gone.cgi", "#!/usr/local/bin/hearth-no-such-interpreter\n", mode: 0o755)
        try dir.write("env.cgi", "#!/usr/bin/env hearth-no-such-command\n", mode: 0o755)
        try dir.write("dos.cgi", "#!/bin/sh\r\necho ok\r\n", mode: 0o755)
        try dir.write("open.cgi", "#!/bin/sh\necho ok\n", mode: 0o757)
        try dir.write("form.py", "import os\nimport cgi, sys\nimport cgitb; cgitb.enable()\n", mode: 0o644)
        try dir.write(".hidden.cgi", "#!/bin/sh\n", mode: 0o644)
        try dir.write("sub/nested.cgi", "#!/bin/sh\n", mode: 0o644)
        try dir.write(".git/hooks/pre-commit.sample", "no shebang, not executable\n")

        let findings = try ScriptDoctor(interpreterExtensions: [".PY"]).examine(directory: dir.path + "/")

        let root = dir.path
        #expect(findings == [
            DoctorFinding(path: root + "/.hidden.cgi", problem: .notExecutable),
            DoctorFinding(path: root + "/dos.cgi", problem: .crlfLineEndings(lastWord: "/bin/sh")),
            DoctorFinding(path: root + "/env.cgi", problem: .interpreterMissing("hearth-no-such-command")),
            DoctorFinding(path: root + "/form.py", problem: .importsRemovedModule("cgi")),
            DoctorFinding(path: root + "/form.py", problem: .importsRemovedModule("cgitb")),
            DoctorFinding(
                path: root + "/gone.cgi", problem: .interpreterMissing("/usr/local/bin/hearth-no-such-interpreter")),
            DoctorFinding(path: root + "/open.cgi", problem: .worldWritable),
            DoctorFinding(path: root + "/plain.cgi", problem: .notExecutable),
            DoctorFinding(path: root + "/sub/nested.cgi", problem: .notExecutable),
            DoctorFinding(path: root + "/words.cgi", problem: .noShebang),
        ])
    }

    @Test func oneFileCanHaveSeveralProblemsInOrder() throws {
        let path = try dir.write("bad.py", "from cgi import FieldStorage\r\n", mode: 0o646)
        let findings = try ScriptDoctor().examine(directory: dir.path)
        #expect(findings.map(\.problem) == [
            .notExecutable, .noShebang, .worldWritable, .importsRemovedModule("cgi"),
        ])
        #expect(findings.allSatisfy { $0.path == path })
    }

    /// A `#!` line naming Python makes a file a Python script whatever its name.
    @Test func pythonIsRecognisedByItsShebang() throws {
        try dir.write("legacy", "#!/bin/python3-hearth-missing\nimport cgitb\n", mode: 0o755)
        let problems = try ScriptDoctor().examine(directory: dir.path).map(\.problem)
        #expect(problems == [.interpreterMissing("/bin/python3-hearth-missing"), .importsRemovedModule("cgitb")])
    }

    @Test(arguments: [
        ("import cgi\n", ["cgi"]),
        ("import os, cgi as c\n", ["cgi"]),
        ("  from cgi import FieldStorage, escape\n", ["cgi"]),
        ("import cgitb\nimport cgi\nimport cgi\n", ["cgi", "cgitb"]),  // each once, sorted
        ("import os; import cgitb\n", ["cgitb"]),
        ("import cgi_helpers\nfrom mycgi import cgi\nimport foo as cgi\n", []),
        ("# import cgi\nprint('import cgi')  # not a statement\n", []),
    ])
    func cgiImportsAreFoundAndLookalikesAreNot(source: String, modules: [String]) throws {
        try dir.write("script.py", source, mode: 0o755)
        let problems = try ScriptDoctor(interpreterExtensions: ["py"]).examine(directory: dir.path).map(\.problem)
        #expect(problems == modules.map(DoctorProblem.importsRemovedModule))
    }

    @Test func descriptionSaysWhatIsWrongAndHowToFixIt() {
        let crlf = DoctorFinding(path: "cgi-bin/hello.py", problem: .crlfLineEndings(lastWord: "python3"))
        #expect(crlf.description == #"cgi-bin/hello.py: CRLF line endings: the kernel looks for 'python3\r'; run dos2unix"#)
        let mode = DoctorFinding(path: "cgi-bin/a.cgi", problem: .notExecutable)
        #expect(mode.description == "cgi-bin/a.cgi: not executable; chmod +x")
    }

    /// cgitb's page starts with `<!--: spam`: the finding names the
    /// setting that serves it; `cgi` alone does not mention it.
    @Test func cgitbNamesTheSettingThatServesItsPage() {
        let cgitb = DoctorFinding(path: "cgi-bin/app.py", problem: .importsRemovedModule("cgitb"))
        #expect(cgitb.description.contains("script_headers: lenient"), "\(cgitb)")
        let cgi = DoctorFinding(path: "cgi-bin/app.py", problem: .importsRemovedModule("cgi"))
        #expect(!cgi.description.contains("script_headers"))
    }

    @Test func examiningAFileOrNothingIsAnError() throws {
        let file = try dir.write("file", "x")
        #expect(throws: DoctorError.notADirectory(file)) { try ScriptDoctor().examine(directory: file) }
        #expect(throws: DoctorError.notADirectory(dir.path + "/absent")) {
            try ScriptDoctor().examine(directory: dir.path + "/absent")
        }
    }
}
