/// The guestbook's one page. Every piece of user text is HTML-escaped: a
/// guestbook is where stored XSS was first met.
enum GuestbookPage {
    static func render(entries: [GuestbookEntry], action: String) -> String {
        var html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Guestbook</title></head><body>
            <h1>Guestbook</h1>

            """
        html += entries.isEmpty ? "<p>No entries yet.</p>\n" : "<ul>\n"
        for entry in entries {
            html += "<li><b>\(escape(entry.name))</b>: \(escape(entry.message))</li>\n"
        }
        if !entries.isEmpty { html += "</ul>\n" }
        html += """
            <form method="post" action="\(escape(action))">
            <p><label>Name <input name="name" maxlength="100"></label></p>
            <p><label>Message <textarea name="message" maxlength="2000"></textarea></label></p>
            <p><button>Sign</button></p>
            </form>
            </body></html>

            """
        return html
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
