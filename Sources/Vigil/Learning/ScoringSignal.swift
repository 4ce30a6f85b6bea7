/// Which probability a tabular model's scores are.
public enum ScoringSignal: String, Sendable, Codable, CaseIterable {
    /// The logistic model's probability: one fused pass over the features.
    case logistic
    /// The calibrated blend of the logistic probability and the k nearest precedents'
    /// vote: adds a search of the precedents (2·rows·precedents·width flops).
    case combined
}
