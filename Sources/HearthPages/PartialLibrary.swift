#if canImport(Glibc)
import Glibc
#endif
import HearthStatic
import Mustache

/// The partials of a pages root: every `*.mustache` below its `_partials/`
/// directory, named by its path there without the extension (`{{> header}}`
/// is `_partials/header.mustache`, `{{> forms/field}}` is
/// `_partials/forms/field.mustache`), as swift-mustache's own
/// `MustacheLibrary(directory:)` names them. A partial that does not parse
/// is kept as its error, so only the pages that use it fail.
struct PartialLibrary: Sendable {
    /// The directory below the root, and the first URL segment that is
    /// never a page.
    static let directoryName = "_partials"
    /// Bounds the walk: a partials tree is small; this stops a runaway one.
    static let maxFiles = 1000
    static let maxDepth = 8

    struct Partial: Sendable {
        var file: String
        var source: String
        var references: TemplateReferences
    }

    /// Every partial file and its version, sorted: equal listings mean
    /// nothing was added, removed or changed.
    let listing: [Listed]
    let partials: [String: Partial]
    let broken: [String: PageError]
    let library: MustacheLibrary

    struct Listed: Equatable, Sendable {
        var name: String
        /// Below the root: `_partials/forms/field.mustache`.
        var path: String
        var version: FileVersion
    }

    static let empty = PartialLibrary(listing: [], partials: [:], broken: [:], library: MustacheLibrary())

    /// Compiles every listed partial, read through `resolver` so that a
    /// symlink cannot lead out of the root.
    static func compile(_ listing: [Listed], resolver: FileResolver) -> PartialLibrary {
        var partials: [String: Partial] = [:]
        var broken: [String: PageError] = [:]
        var library = MustacheLibrary()
        for entry in listing {
            do throws(PageError) {
                let compiled = try CompiledTemplate.compile(resolving: entry.path, with: resolver)
                partials[entry.name] = Partial(file: compiled.file, source: compiled.source, references: compiled.references)
                library.register(compiled.template, named: entry.name)
            } catch {
                broken[entry.name] = error
            }
        }
        return PartialLibrary(listing: listing, partials: partials, broken: broken, library: library)
    }

    /// The partial files under `root/_partials`, by walking it. Dot files
    /// are skipped, as the static responder skips them; directories are
    /// entered only when they are real directories, not symlinks, so the
    /// walk cannot loop.
    static func list(root: String) -> [Listed] {
        var found: [Listed] = []
        walk(root, relative: directoryName, depth: 0, into: &found)
        return found.sorted { $0.name < $1.name }
    }

    private static func walk(_ root: String, relative directory: String, depth: Int, into found: inout [Listed]) {
        guard depth <= maxDepth, let handle = opendir(root + "/" + directory) else { return }
        defer { closedir(handle) }
        while found.count < maxFiles, let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix(".") else { continue }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            if info.st_mode & 0o170000 == 0o040000 {  // S_IFDIR
                walk(root, relative: path, depth: depth + 1, into: &found)
            } else if name.hasSuffix("." + TemplateSource.fileExtension), let version = FileVersion.of(root + "/" + path) {
                let partialName = path.dropFirst(directoryName.count + 1).dropLast(TemplateSource.fileExtension.count + 1)
                found.append(Listed(name: String(partialName), path: path, version: version))
            }
        }
    }
}
