import HearthStatic
import Mustache
import Synchronization

/// Compiled templates of one root, each compiled once and again only when
/// its file changes; and the root's partials, compiled again when any file
/// below `_partials/` is added, removed or changed. Checked per render
/// (one `stat` for the page, one walk of `_partials/`), as mod_python's
/// PSP checks its file's modification time per request.
final class TemplateCache: Sendable {
    let resolver: FileResolver
    private let pages = Mutex<[String: CompiledTemplate]>([:])
    private let partials = Mutex(PartialLibrary.empty)
    /// Forgets every page beyond this many files (they are compiled again
    /// on their next request): deleted templates must not pile up.
    private let capacity = 4096
    /// Pages compiled and partial libraries built, since the start: what
    /// shows that an unchanged template is not parsed again.
    let compilations = Atomic(0)
    let partialBuilds = Atomic(0)

    init(resolver: FileResolver) {
        self.resolver = resolver
    }

    /// The page at `file` (resolved under the root) and the partials to
    /// render it with, after checking every partial it reaches.
    func template(at file: String) throws(PageError) -> (page: CompiledTemplate, partials: PartialLibrary) {
        let page = try compiled(file)
        let library = currentPartials()
        try PartialCheck(library: library).check(page)
        return (page, library)
    }

    private func compiled(_ file: String) throws(PageError) -> CompiledTemplate {
        let cached = pages.withLock { $0[file] }
        if let cached, FileVersion.of(file) == cached.version { return cached }
        let fresh = try CompiledTemplate.compile(file)
        compilations.add(1, ordering: .relaxed)
        pages.withLock { pages in
            if pages.count >= capacity { pages.removeAll(keepingCapacity: true) }
            pages[file] = fresh
        }
        return fresh
    }

    private func currentPartials() -> PartialLibrary {
        let listing = PartialLibrary.list(root: resolver.root)
        let cached = partials.withLock { $0 }
        if cached.listing == listing { return cached }
        let fresh = PartialLibrary.compile(listing, resolver: resolver)
        partialBuilds.add(1, ordering: .relaxed)
        partials.withLock { $0 = fresh }
        return fresh
    }
}

/// The checks swift-mustache does not make: every partial a page reaches
/// exists and parses (it would render a missing one as nothing), none
/// reaches itself again (it would recurse until the stack overflows and
/// the server dies), and none is chosen by data (`{{>* name}}`).
struct PartialCheck {
    let library: PartialLibrary

    func check(_ page: CompiledTemplate) throws(PageError) {
        if page.references.usesDynamicPartial { throw PageError(file: page.file, problem: .dynamicPartial) }
        var finished: Set<String> = []
        for name in page.references.partials.sorted() {
            try visit(name, from: (page.file, page.source), path: [], finished: &finished)
        }
    }

    /// Depth first; `path` holds the partials being expanded, so meeting
    /// one of them again is a cycle.
    private func visit(_ name: String, from user: (file: String, source: String), path: [String], finished: inout Set<String>) throws(PageError) {
        if let start = path.firstIndex(of: name) {
            throw PageError(file: user.file, line: lineOfPartial(name, in: user.source), problem: .partialCycle(Array(path[start...]) + [name]))
        }
        guard !finished.contains(name) else { return }
        if let error = library.broken[name] { throw error }
        guard let partial = library.partials[name] else {
            throw PageError(file: user.file, line: lineOfPartial(name, in: user.source), problem: .missingPartial(name))
        }
        if partial.references.usesDynamicPartial { throw PageError(file: partial.file, problem: .dynamicPartial) }
        for next in partial.references.partials.sorted() {
            try visit(next, from: (partial.file, partial.source), path: path + [name], finished: &finished)
        }
        finished.insert(name)
    }
}
