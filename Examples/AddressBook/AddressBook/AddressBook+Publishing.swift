import HearthAuth
import HearthPublisher
import HearthWeb
import Logging

extension AddressBook {
    /// The realm of the write operations.
    public static let writersRealm = "Address book editors"

    /// The one editor of the example: user `editor`, password
    /// `address-book`, hashed by Apache's `htpasswd -nbB` (bcrypt). Only
    /// the hash is in the program.
    public static let editors: [String: HtpasswdHash] = [
        "editor": HtpasswdHash("$2y$05$QFiZ.9miJLqn0S7be/FH/.kdsj52RaFBpbCZVMbeMR8iEiAsHYFF6")!,
    ]

    /// The book's API: reads are open (GET), writes are POST-only and ask
    /// for an editor's password at the function level.
    ///
    ///     /api/                   the index object's index: a short help text
    ///     /api/contacts/          every contact (index)
    ///     /api/contacts/show      ?id=
    ///     /api/contacts/search    ?q= [&limit=]
    ///     /api/contacts/add       POST name= [email= phone= birthday= tags=…]
    ///     /api/contacts/update    POST id= [name= email= phone= birthday=]
    ///     /api/contacts/remove    POST id=
    public func publisher(editors: PasswordVerifier = .users(AddressBook.editors), logger: Logger? = nil) throws -> Publisher {
        let write = BasicAuthenticator(realm: Self.writersRealm, verifier: editors)
        var contacts = PublishedObject()
        try contacts.publish("index", list)
        try contacts.publish("show", show)
        try contacts.publish("search", search)
        try contacts.publish("add", methods: [.post], auth: write, add)
        try contacts.publish("update", methods: [.post], auth: write, update)
        try contacts.publish("remove", methods: [.post], auth: write, remove)

        var index = PublishedObject()
        try index.publish("index") { () -> String in
            "Address book: GET contacts/, contacts/show?id=, contacts/search?q=; POST contacts/add, contacts/update, contacts/remove (editors only).\n"
        }

        var publisher = logger.map { Publisher(logger: $0) } ?? Publisher()
        try publisher.publish("contacts", contacts)
        try publisher.publish("index", index)
        return publisher
    }
}
