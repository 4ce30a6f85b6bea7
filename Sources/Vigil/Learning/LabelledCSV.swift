/// The rows of a labelled CSV file that have a usable label, in file order, with where
/// each came from. Rows that are not valid CSV, have the wrong number of fields or a label
/// that is not one (see `BinaryLabel`) go to the reject writer with their line, the column
/// and the reason.
struct LabelledCSV {
    let path: String
    /// Header names, as written.
    let header: [String]
    var rows: [[String]] = []
    var labels: [Float] = []
    var lines: [Int] = []
    var texts: [String] = []
    /// Data records seen (accepted or rejected).
    var records = 0
    var rejected = 0

    /// Reads `path`; `labelColumn` must be in its header.
    /// - Throws: `.io`; `.invalidRecord` for an empty file or a header that is not valid
    ///   CSV; `.invalidConfiguration` when the label column is missing.
    init(path: String, labelColumn: String, rejects: RejectSample) throws(VigilError) {
        self.path = path
        let reader = try CSVRowReader(path: path)
        guard let first = try reader.next() else { throw .invalidRecord(source: path, line: 1, field: "header", reason: "the file is empty") }
        if let error = first.syntaxError { throw .invalidRecord(source: path, line: error.line, field: "header", reason: error.reason) }
        header = first.fields
        let names = header.map(TabularFeaturizer.trimmed)
        guard let labelIndex = names.firstIndex(of: labelColumn) else {
            throw .invalidConfiguration(file: path, location: "header", reason: "no label column '\(labelColumn)' (columns: \(names.joined(separator: ", ")))")
        }
        while let row = try reader.next() {
            records += 1
            func reject(_ field: String, _ kind: RejectReason, _ reason: String, line: Int? = nil) throws(VigilError) {
                rejected += 1
                try rejects.write(RejectedRecord(source: path, line: line ?? row.line, field: field, kind: kind, reason: reason, record: row.text))
            }
            if let error = row.syntaxError { try reject("$", .invalidValue, error.reason, line: error.line); continue }
            guard row.fields.count == header.count else {
                try reject("$", .invalidValue, "row has \(row.fields.count) fields, the header has \(header.count)")
                continue
            }
            let label = BinaryLabel(row.fields[labelIndex])
            guard let value = label.value else {
                if case let .rejected(reason) = label { try reject(labelColumn, label == .rejected(reason: "empty label") ? .missingField : .invalidValue, reason) }
                continue
            }
            rows.append(row.fields)
            labels.append(value)
            lines.append(row.line)
            texts.append(row.text)
        }
    }
}
