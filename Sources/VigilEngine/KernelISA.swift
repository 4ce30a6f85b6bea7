internal import CKernels

/// The instruction-set variant the C kernels run on.
///
/// The best variant the CPU supports is chosen at first use; tests select `.scalar` to
/// exercise the portable path. Wraps `vk_isa_active`, `vk_isa_supported`, `vk_isa_select`.
public enum KernelISA: String, Sendable, CaseIterable {
    /// Portable C, any CPU.
    case scalar
    /// x86-64 AVX2 + FMA.
    case avx2

    /// The variant in use now.
    public static var active: KernelISA {
        KernelISA(vk_isa_active())
    }

    /// Whether this CPU can run `self`.
    public var isSupported: Bool { vk_isa_supported(cValue) != 0 }

    /// Makes every later kernel call in the process use `isa`.
    /// - Returns: `false` (and changes nothing) if the CPU cannot run it.
    @discardableResult
    public static func select(_ isa: KernelISA) -> Bool {
        vk_isa_select(isa.cValue) == 0
    }

    /// The best variant this CPU supports.
    public static var best: KernelISA {
        KernelISA.avx2.isSupported ? .avx2 : .scalar
    }

    var cValue: vk_isa {
        switch self {
        case .scalar: return VK_ISA_SCALAR
        case .avx2: return VK_ISA_AVX2
        }
    }

    init(_ value: vk_isa) {
        self = value == VK_ISA_AVX2 ? .avx2 : .scalar
    }
}

/// The BLAS library the process runs on (netlib or OpenBLAS, whichever Debian's
/// `libblas.so.3` alternative, or `LD_LIBRARY_PATH`, selects).
public enum BLASLibrary {
    /// OpenBLAS's name for the kernel family in use (e.g. "Haswell", "SkylakeX"), or
    /// "netlib". Wraps `vk_blas_name`.
    public static var name: String {
        EngineSetup.ready()
        return String(cString: vk_blas_name())
    }
}

/// One-time engine set-up run before the first kernel call.
enum EngineSetup {
    /// BLAS stays single-threaded: VigilEngine gives each core its own BLAS calls.
    private static let configured: Bool = {
        _ = vk_blas_set_threads(1)
        return true
    }()

    static func ready() { _ = configured }
}
