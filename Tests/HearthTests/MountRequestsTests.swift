import Foundation
import HearthTesting
import Testing

@testable import Hearth

/// The request histogram Hearth renders itself (`MountRequests`): each
/// observation lands in the first bucket whose bound holds it, the lines
/// are cumulative with `+Inf` equal to `_count`, and the status page's
/// totals come from the same cells.
@Suite struct MountRequestsTests {
    @Test(arguments: [
        (0, 0), (500_000, 0), (500_001, 1), (1_000_000, 1), (9_999_999_999, 13), (10_000_000_000, 13), (10_000_000_001, 14),
    ])
    func anObservationLandsInTheFirstBucketThatHoldsIt(nanoseconds: Int, bucket: Int) {
        #expect(DurationCell.bucket(of: nanoseconds) == bucket)
    }

    @Test func theCellsRenderAsACumulativeHistogramAndAddUpForTheStatusPage() {
        let requests = MountRequests(mount: #"/a"b\c"#)
        let get = MetricNames.methodIndex(.GET)
        requests.record(method: get, statusClass: 2, nanoseconds: 300_000, bodyBytes: 10)
        requests.record(method: get, statusClass: 2, nanoseconds: 2_000_000, bodyBytes: 20)
        requests.record(method: get, statusClass: 2, nanoseconds: 20_000_000_000, bodyBytes: 30)
        requests.record(method: MetricNames.methodIndex(.POST), statusClass: 5, nanoseconds: 1_000_000, bodyBytes: 0)
        requests.record(method: get, statusClass: 0, nanoseconds: 1, bodyBytes: 0)
        var text = ""
        requests.emit(into: &text)
        let scrape = PrometheusScrape(text)
        let ok = ["mount": #"/a"b\c"#, "http_request_method": "GET", "http_response_status_code": "2xx"]
        let buckets = scrape.series("http_server_request_duration_seconds_bucket").filter { $0.labels.filter { $0.key != "le" } == ok }
        #expect(buckets.map { $0.labels["le"]! } == Monitoring.durationBuckets.map { "\($0)" } + ["+Inf"])
        #expect(buckets.map(\.value) == [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3])
        #expect(scrape.value("http_server_request_duration_seconds_count", ok) == 3)
        #expect(scrape.value("http_server_request_duration_seconds_sum", ok) == 20.0023)
        #expect(text.contains(#"mount="/a\"b\\c""#), "label value escaped: \(text)")
        // Only the cells a request used are series: GET 2xx, POST 5xx, GET none.
        #expect(scrape.series("http_server_request_duration_seconds_count").count == 3)
        let snapshot = requests.snapshot
        #expect(snapshot.requests == 5 && snapshot.errors == 2 && snapshot.bytes == 60)
        #expect(snapshot.total == .nanoseconds(20_003_300_001))
    }
}
