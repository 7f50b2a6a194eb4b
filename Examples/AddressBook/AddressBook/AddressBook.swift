#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HearthWeb
import Synchronization

/// An address book kept in memory: one value, mounted hot, so its state
/// persists across requests until the server stops. Every operation is a
/// plain method; `AddressBook+Publishing.swift` publishes them one by one.
public final class AddressBook: Sendable {
    public struct Contact: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var email: String?
        public var phone: String?
        public var birthday: Date?
        public var tags: [String]
    }

    struct State {
        var contacts: [Int: Contact] = [:]
        var nextID = 1
    }

    private let state = Mutex(State())

    /// Starts with `contacts` (their ids are given in order, from 1).
    public init(contacts: [NewContact] = AddressBook.samples) {
        for contact in contacts { _ = add(contact) }
    }

    public static let samples = [
        NewContact(name: "Ada Lovelace", email: "ada@example.org", tags: ["maths"]),
        NewContact(name: "Grace Hopper", phone: "+1 555 0100", tags: ["navy", "compilers"]),
    ]

    // The arguments types: their property names are the form fields.

    public struct ContactID: Decodable, Sendable {
        public var id: Int
    }

    public struct NewContact: Decodable, Sendable {
        public var name: String
        public var email: String?
        public var phone: String?
        public var birthday: Date?
        /// A repeated field: `tags=a&tags=b`.
        public var tags: [String]

        public init(name: String, email: String? = nil, phone: String? = nil, birthday: Date? = nil, tags: [String] = []) {
            (self.name, self.email, self.phone, self.birthday, self.tags) = (name, email, phone, birthday, tags)
        }
    }

    /// Only the fields sent change.
    public struct Changes: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var email: String?
        public var phone: String?
        public var birthday: Date?
    }

    public struct Query: Decodable, Sendable {
        /// Matched, case-insensitively, against names, e-mail addresses and tags.
        public var q: String
        public var limit: Int?
    }

    // The operations.

    public func list() -> [Contact] {
        state.withLock { $0.contacts.values.sorted { $0.id < $1.id } }
    }

    public func show(_ arguments: ContactID) throws -> Contact {
        guard let contact = state.withLock({ $0.contacts[arguments.id] }) else { throw HearthError.notFound }
        return contact
    }

    public func search(_ query: Query) -> [Contact] {
        let needle = query.q.lowercased()
        let found = list().filter { contact in
            ([contact.name, contact.email ?? ""] + contact.tags).contains { $0.lowercased().contains(needle) }
        }
        return Array(found.prefix(max(query.limit ?? found.count, 0)))
    }

    public func add(_ new: NewContact) -> Contact {
        state.withLock { state in
            let contact = Contact(id: state.nextID, name: new.name, email: new.email, phone: new.phone, birthday: new.birthday, tags: new.tags)
            state.contacts[contact.id] = contact
            state.nextID += 1
            return contact
        }
    }

    public func update(_ changes: Changes) throws -> Contact {
        try state.withLock { state in
            guard var contact = state.contacts[changes.id] else { throw HearthError.notFound }
            contact.name = changes.name ?? contact.name
            contact.email = changes.email ?? contact.email
            contact.phone = changes.phone ?? contact.phone
            contact.birthday = changes.birthday ?? contact.birthday
            state.contacts[contact.id] = contact
            return contact
        }
    }

    public func remove(_ arguments: ContactID) throws -> Contact {
        guard let removed = state.withLock({ $0.contacts.removeValue(forKey: arguments.id) }) else { throw HearthError.notFound }
        return removed
    }

    /// Empties the book. A public method that is deliberately NOT
    /// published: no URL reaches it (the tests try).
    public func removeAll() {
        state.withLock { $0.contacts = [:] }
    }
}
