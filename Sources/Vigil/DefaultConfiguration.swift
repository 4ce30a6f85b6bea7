import Foundation

/// The configuration Vigil ships with: a tier policy and a playbook catalogue an SOC can
/// start from (and that `vigil demo` runs on). Bundled as package resources.
public enum DefaultConfiguration {
    /// Path of the shipped tier policy (`tier-policy.json`).
    public static var tierPolicyPath: String { path("tier-policy") }
    /// Path of the shipped playbook catalogue (`playbooks.json`).
    public static var playbooksPath: String { path("playbooks") }

    private static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json") else {
            preconditionFailure("the Vigil resource bundle is missing \(name).json (a broken install)")
        }
        return url.path
    }
}
