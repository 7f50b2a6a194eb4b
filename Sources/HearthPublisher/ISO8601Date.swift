#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The dates a form sends, read by hand (no calendar, no locale): an
/// ISO 8601 calendar date `2024-05-01` (midnight UTC; `<input type=date>`)
/// or an RFC 3339 date-time `2024-05-01T13:45[:30[.250]][Z|±hh:mm]`, where
/// the `T` may be a space and a missing offset means UTC
/// (`<input type=datetime-local>` sends none).
enum ISO8601Date {
    static func parse(_ text: Substring) -> Date? {
        var scanner = DigitScanner(text.utf8)
        guard let year = scanner.number(4), scanner.take("-"), let month = scanner.number(2), scanner.take("-"),
            let day = scanner.number(2), (1...12).contains(month), (1...daysIn(month, of: year)).contains(day)
        else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * 86_400
        if scanner.isAtEnd { return Date(timeIntervalSince1970: seconds) }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" "), let time = scanner.timeOfDay(),
            let offset = scanner.offset(), scanner.isAtEnd
        else { return nil }
        seconds += time - offset
        return Date(timeIntervalSince1970: seconds)
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard
    /// Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width digit groups and separators off UTF-8 bytes.
struct DigitScanner {
    private var bytes: Substring.UTF8View

    init(_ bytes: Substring.UTF8View) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard bytes.first == UInt8(ascii: character) else { return false }
        bytes.removeFirst()
        return true
    }

    /// Exactly `width` ASCII digits.
    mutating func number(_ width: Int) -> Int? {
        var value = 0
        for _ in 0..<width {
            guard let byte = bytes.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            bytes.removeFirst()
        }
        return value
    }

    /// `hh:mm[:ss[.fraction]]` as seconds into the day; no leap second.
    mutating func timeOfDay() -> Double? {
        guard let hour = number(2), take(":"), let minute = number(2), hour < 24, minute < 60 else { return nil }
        var seconds = Double(hour * 3600 + minute * 60)
        guard take(":") else { return seconds }
        guard let second = number(2), second < 60 else { return nil }
        seconds += Double(second)
        guard take(".") || take(",") else { return seconds }
        var scale = 0.1
        var digits = 0
        while let digit = number(1) {
            seconds += Double(digit) * scale
            scale /= 10
            digits += 1
        }
        return digits > 0 ? seconds : nil
    }

    /// `Z`, `±hh:mm`, `±hhmm`, or nothing (UTC), as seconds east of UTC.
    mutating func offset() -> Double? {
        if isAtEnd || take("Z") || take("z") { return 0 }
        let sign: Double = take("+") ? 1 : take("-") ? -1 : 0
        guard sign != 0, let hours = number(2) else { return nil }
        _ = take(":")
        guard let minutes = number(2), hours < 24, minutes < 60 else { return nil }
        return sign * Double(hours * 3600 + minutes * 60)
    }
}
