package dev.aigateway.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.aigateway.api.spi.ChatProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What the JUnit 5 extension does to a test class: the scenario classes below run through the
 * JUnit launcher from within these tests (and only then), and what they saw is checked here.
 */
class FakeVendorExtensionTest {
  private static volatile boolean launching;
  private static final Map<String, FakeVendor> SEEN = new ConcurrentHashMap<>();
  private static final List<Integer> COUNTS = new CopyOnWriteArrayList<>();

  static boolean launching() {
    return launching;
  }

  private static TestExecutionSummary run(Class<?> scenario) {
    SEEN.clear();
    COUNTS.clear();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(scenario)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launching = true;
    try {
      launcher.execute(request, listener);
    } finally {
      launching = false;
    }
    return listener.getSummary();
  }

  private static String use(FakeVendor vendor) {
    try (ChatProvider openai = Adapters.provider(Vendor.OPENAI, vendor)) {
      return openai.chat(Adapters.ask(Vendor.OPENAI, "hi")).text();
    }
  }

  @Test
  void anInstanceFieldIsStartedForEachTestAndClosedAfterIt() {
    TestExecutionSummary summary = run(InstanceField.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get("a")).isNotSameAs(SEEN.get("b"));
    assertThat(SEEN.values()).allSatisfy(v -> assertThat(v.toString()).contains("closed"));
  }

  @Test
  void aStaticFieldIsSharedResetBetweenTestsAndClosedAfterTheClass() {
    TestExecutionSummary summary = run(StaticField.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(COUNTS).as("each test starts from an empty record").containsExactly(0, 0);
    assertThat(SEEN.get("a")).isSameAs(SEEN.get("b"));
    assertThat(SEEN.get("a").toString()).contains("closed");
  }

  @Test
  void whenRequiredAnUnusedReplyFailsATestThatPassed() {
    TestExecutionSummary summary = run(Strict.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1); // usedAll
    assertThat(summary.getFailures()).hasSize(2);
    Map<String, Throwable> failures = new ConcurrentHashMap<>();
    summary.getFailures().forEach(f -> failures.put(f.getTestIdentifier().getDisplayName(),
        f.getException()));
    assertThat(failures.get("leftOne()")).isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("1 scripted reply was never requested");
    assertThat(failures.get("failedOnItsOwn()"))
        .as("a test's own failure is reported, not the unused replies")
        .hasMessage("its own failure");
    assertThat(SEEN.values()).allSatisfy(v -> assertThat(v.toString()).contains("closed"));
  }

  @Test
  void parametersGetStartedVendorsOfTheirOwnClosedAfterTheTest() {
    TestExecutionSummary summary = run(Injected.class);
    assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
    assertThat(SEEN.get("primary")).isNotSameAs(SEEN.get("backup"));
    assertThat(SEEN.values()).allSatisfy(v -> assertThat(v.toString()).contains("closed"));
    assertThat(COUNTS).as("the class's vendor stays open across its tests").containsExactly(1, 2);
  }

  // ---- scenarios, run only through run(...)

  @EnabledIf("dev.aigateway.test.FakeVendorExtensionTest#launching")
  static class InstanceField {
    @RegisterExtension final FakeVendor vendor = new FakeVendor();

    @Test
    void a() {
      SEEN.put("a", vendor);
      assertThat(use(vendor)).isEqualTo("Fake reply to: hi");
    }

    @Test
    void b() {
      SEEN.put("b", vendor);
      assertThat(vendor.toString()).doesNotContain("not started");
    }
  }

  @EnabledIf("dev.aigateway.test.FakeVendorExtensionTest#launching")
  static class StaticField {
    @RegisterExtension static final FakeVendor VENDOR = new FakeVendor();

    @Test
    void a() {
      SEEN.put("a", VENDOR);
      COUNTS.add(VENDOR.requestCount());
      VENDOR.enqueue(Reply.text("left behind"), Reply.text("and this"));
      use(VENDOR);
    }

    @Test
    void b() {
      SEEN.put("b", VENDOR);
      COUNTS.add(VENDOR.requestCount());
      assertThat(VENDOR.pendingReplies()).isEmpty();
      use(VENDOR);
    }
  }

  @EnabledIf("dev.aigateway.test.FakeVendorExtensionTest#launching")
  static class Strict {
    @RegisterExtension final FakeVendor vendor = new FakeVendor().requireAllRepliesUsed();

    @Test
    void usedAll() {
      SEEN.put("usedAll", vendor);
      vendor.enqueue(Reply.text("one"));
      use(vendor);
    }

    @Test
    void leftOne() {
      SEEN.put("leftOne", vendor);
      vendor.enqueue(Reply.text("one"), Reply.text("two"));
      use(vendor);
    }

    @Test
    void failedOnItsOwn() {
      SEEN.put("failedOnItsOwn", vendor);
      vendor.enqueue(Reply.text("one"));
      throw new AssertionError("its own failure");
    }
  }

  @EnabledIf("dev.aigateway.test.FakeVendorExtensionTest#launching")
  @ExtendWith(FakeVendorExtension.class)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class Injected {
    static FakeVendor shared;

    @BeforeAll
    static void startShared(FakeVendor vendor) {
      shared = vendor;
      SEEN.put("shared", vendor);
    }

    @Test
    void aUsesTheShared() {
      use(shared);
      COUNTS.add(shared.requestCount());
    }

    @Test
    void bUsesTheSharedAgain() {
      use(shared);
      COUNTS.add(shared.requestCount());
    }

    @Test
    void failover(FakeVendor primary, FakeVendor backup) {
      SEEN.put("primary", primary);
      SEEN.put("backup", backup);
      assertThat(primary.url()).isNotEqualTo(backup.url());
      use(primary);
      assertThat(primary.requestCount()).isEqualTo(1);
      assertThat(backup.requestCount()).isZero();
    }
  }
}
