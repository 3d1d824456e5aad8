package dev.aigateway.api.spi;

import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The executor the gateway and its adapters run blocking work on (asynchronous calls, stream
 * reading) when the application names none.
 *
 * <p>On JDK 21 and later it starts one virtual thread per task, named {@code ai-gateway-N}. On
 * JDK 17 and 20 it is a cached pool of daemon platform threads with the same names, which idle
 * out after 60 seconds. Setting the system property {@code dev.aigateway.virtualThreads=false}
 * forces the platform pool. The executor is shared process-wide, never needs shutting down and
 * never keeps the JVM alive.
 */
public final class GatewayExecutors {
  private static final ExecutorService DEFAULT = create();
  private static final ThreadLocal<@Nullable Boolean> WORKER = new ThreadLocal<>();

  private GatewayExecutors() {}

  /**
   * Runs {@code task} on the current thread, marked as a gateway worker: a thread the gateway
   * started for one call, which may block on that call's I/O. A provider's stream that is asked
   * for chunks on a worker reads them right there instead of handing the read to another thread,
   * which saves two thread hand-offs per stream. Never mark a caller's thread.
   */
  public static void runAsWorker(Runnable task) {
    Boolean previous = WORKER.get();
    WORKER.set(Boolean.TRUE);
    try {
      task.run();
    } finally {
      if (previous == null) {
        WORKER.remove();
      } else {
        WORKER.set(previous);
      }
    }
  }

  /** Whether the current thread runs inside {@link #runAsWorker}. */
  public static boolean isWorker() {
    return WORKER.get() == Boolean.TRUE;
  }

  /**
   * A shared scheduler for timeouts (one daemon thread). Scheduled tasks must be quick: they
   * only cancel or signal.
   */
  public static ScheduledExecutorService scheduler() {
    return Scheduler.INSTANCE;
  }

  private static final class Scheduler {
    static final ScheduledExecutorService INSTANCE = create();

    private static ScheduledExecutorService create() {
      ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread t = new Thread(runnable, "ai-gateway-timeouts");
        t.setDaemon(true);
        return t;
      });
      scheduler.setRemoveOnCancelPolicy(true);
      return scheduler;
    }
  }

  /** The shared default executor. */
  public static Executor defaultExecutor() {
    return DEFAULT;
  }

  /** Whether {@link #defaultExecutor()} runs tasks on virtual threads. */
  public static boolean usesVirtualThreads() {
    return !(DEFAULT instanceof ThreadPoolExecutor);
  }

  private static ExecutorService create() {
    if (!"false".equalsIgnoreCase(System.getProperty("dev.aigateway.virtualThreads"))) {
      ExecutorService virtual = virtualThreadExecutor();
      if (virtual != null) {
        return virtual;
      }
    }
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = runnable -> {
      Thread t = new Thread(runnable, "ai-gateway-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new ThreadPoolExecutor(
        0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory);
  }

  /** {@code Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(...).factory())}, via reflection, since the build targets 17. */
  private static @Nullable ExecutorService virtualThreadExecutor() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      builder = ofVirtual.getMethod("name", String.class, long.class)
          .invoke(builder, "ai-gateway-", 1L);
      ThreadFactory factory =
          (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
              .invoke(builder);
      Method perTask = java.util.concurrent.Executors.class
          .getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
      return (ExecutorService) perTask.invoke(null, factory);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // JDK < 21, or virtual threads unavailable
    }
  }
}
