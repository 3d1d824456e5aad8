package dev.aigateway.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects started {@link FakeVendor}s into test methods (and {@code @BeforeEach} and
 * {@code @BeforeAll} methods), and closes them after each test (after all tests, for those of
 * {@code @BeforeAll}). Each parameter gets a vendor of its own, so a failover test can
 * ask for two:
 *
 * <pre>{@code
 * @ExtendWith(FakeVendorExtension.class)
 * class FailoverTest {
 *   @Test void failsOver(FakeVendor primary, FakeVendor backup) { ... }
 * }
 * }</pre>
 *
 * <p>A vendor injected into a {@code @BeforeEach} method is not the one injected into the test
 * method; to share one, keep it in a field, or register a {@link FakeVendor} field with
 * {@code @RegisterExtension} instead. Thread safe.
 */
public final class FakeVendorExtension
    implements ParameterResolver, AfterEachCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FakeVendorExtension.class);

  /** An extension; JUnit makes it from {@code @ExtendWith}. */
  public FakeVendorExtension() {}

  /** Resolves parameters of type {@link FakeVendor}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == FakeVendor.class;
  }

  /** A started vendor of its own, closed after the test. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FakeVendor vendor = new FakeVendor().start();
    vendors(context).add(vendor);
    return vendor;
  }

  /** Closes the vendors injected for this test. */
  @Override
  public void afterEach(ExtensionContext context) {
    closeAll(context);
  }

  /** Closes the vendors injected into {@code @BeforeAll} methods. */
  @Override
  public void afterAll(ExtensionContext context) {
    closeAll(context);
  }

  private static void closeAll(ExtensionContext context) {
    List<FakeVendor> vendors = vendors(context);
    synchronized (vendors) {
      vendors.forEach(FakeVendor::close);
      vendors.clear();
    }
  }

  @SuppressWarnings("unchecked")
  private static List<FakeVendor> vendors(ExtensionContext context) {
    // Kept on the context that asked (a test method's, or the class's for @BeforeAll), keyed by
    // its id: a lookup also searches the parents' stores, and a test must not take (and close)
    // the vendors of its class.
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    return (List<FakeVendor>) store.getOrComputeIfAbsent(context.getUniqueId(),
        k -> Collections.synchronizedList(new ArrayList<FakeVendor>()));
  }
}
