public enum VigilTestSupport {}
