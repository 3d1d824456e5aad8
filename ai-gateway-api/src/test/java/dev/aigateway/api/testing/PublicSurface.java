package dev.aigateway.api.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Checks on a module's compiled classes that keep its public surface honest, for any module's
 * tests:
 * <ul>
 *   <li>{@link #violations}: no public type outside an {@code internal} package shows, in a
 *       public or protected signature (supertypes, type parameters, constructors, methods, thrown
 *       exceptions, fields), a type from an {@code internal} package or from a forbidden
 *       third-party package, such as {@code okhttp3};
 *   <li>{@link #packageCycles}: no two packages of the module depend on each other, directly or
 *       through others, as the JDK's {@code jdeps} reads the class files.
 * </ul>
 * Both read a directory of class files, such as {@code target/classes}. The classes are loaded
 * (never initialized) through the caller's class path, so that module's dependencies must be on
 * it, as they are in its tests.
 */
public final class PublicSurface {
  private PublicSurface() {}

  /**
   * Every place where a public type under {@code classesDir} shows a type it must not: one from a
   * package that has an {@code internal} segment (always forbidden), or from a package that is, or
   * is under, one of {@code forbiddenPackagePrefixes} ({@code "okhttp3"} forbids {@code okhttp3}
   * and {@code okhttp3.sse}, not {@code okhttp3x}).
   *
   * <p>A type is public here when it is declared public (or protected, if nested) in a package
   * without an {@code internal} segment, and every type enclosing it is too. Its members are its
   * own public and protected constructors, methods and fields, the ones it inherits from
   * superclasses under {@code classesDir}, and the public methods it inherits from interfaces
   * under {@code classesDir}. Types are read from generic signatures, so
   * {@code List<okhttp3.Call>} counts. Synthetic and bridge members are skipped.
   *
   * @param allowed the methods that may show a forbidden type, such as a builder's
   *     {@code httpClient(okhttp3.OkHttpClient)}
   * @return one line per violation, such as
   *     {@code "a.B: method public okhttp3.HttpUrl a.B.endpoint() shows okhttp3.HttpUrl"}, sorted;
   *     empty when the surface is clean
   * @throws IllegalStateException when {@code classesDir} holds no class file, or a class cannot
   *     be loaded
   */
  public static List<String> violations(
      Path classesDir, Set<String> forbiddenPackagePrefixes, Predicate<Method> allowed) {
    Set<String> prefixes = new TreeSet<>();
    for (String p : forbiddenPackagePrefixes) {
      String s = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
      if (s.isBlank()) {
        throw new IllegalArgumentException("a forbidden package prefix must not be blank");
      }
      prefixes.add(s);
    }
    Map<String, Class<?>> classes = loadAll(classesDir);
    Set<String> found = new TreeSet<>();
    for (Class<?> c : classes.values()) {
      if (!isExported(c)) {
        continue;
      }
      Scan scan = new Scan(c, classes.keySet(), prefixes, allowed, found);
      scan.run();
    }
    return List.copyOf(found);
  }

  /** Whether {@code packageName} has a segment {@code internal}. */
  static boolean isInternal(String packageName) {
    for (String segment : packageName.split("\\.")) {
      if (segment.equals("internal")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isExported(Class<?> c) {
    if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()
        || isInternal(c.getPackageName())) {
      return false;
    }
    Class<?> outer = c.getEnclosingClass();
    if (outer == null) {
      return Modifier.isPublic(c.getModifiers());
    }
    int m = c.getModifiers();
    return (Modifier.isPublic(m) || Modifier.isProtected(m)) && isExported(outer);
  }

  /** The checks of one exported class; collects into {@code found}. */
  private static final class Scan {
    private final Class<?> type;
    private final Set<String> ours;
    private final Set<String> prefixes;
    private final Predicate<Method> allowed;
    private final Set<String> found;

    Scan(Class<?> type, Set<String> ours, Set<String> prefixes, Predicate<Method> allowed,
        Set<String> found) {
      this.type = type;
      this.ours = ours;
      this.prefixes = prefixes;
      this.allowed = allowed;
      this.found = found;
    }

    void run() {
      if (type.getGenericSuperclass() != null) {
        check("supertype", type.getGenericSuperclass());
      }
      for (Type t : type.getGenericInterfaces()) {
        check("supertype", t);
      }
      for (TypeVariable<?> v : type.getTypeParameters()) {
        check("type parameter " + v.getName(), v);
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (visible(c) && !c.isSynthetic()) {
          executable("constructor " + c.toGenericString(), c);
        }
      }
      Map<String, Method> methods = new TreeMap<>();
      Set<Field> fields = new HashSet<>();
      for (Class<?> c = type; c != null && ours.contains(c.getName()); c = c.getSuperclass()) {
        for (Method m : c.getDeclaredMethods()) {
          if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
            methods.putIfAbsent(signature(m), m);
          }
        }
        for (Field f : c.getDeclaredFields()) {
          if (visible(f) && !f.isSynthetic()) {
            fields.add(f);
          }
        }
      }
      for (Method m : type.getMethods()) {
        if (ours.contains(m.getDeclaringClass().getName()) && !m.isSynthetic() && !m.isBridge()) {
          methods.putIfAbsent(signature(m), m);
        }
      }
      for (Method m : methods.values()) {
        if (!allowed.test(m)) {
          executable("method " + m.toGenericString(), m);
          check("method " + m.toGenericString(), m.getGenericReturnType());
        }
      }
      for (Field f : fields) {
        check("field " + f.toGenericString(), f.getGenericType());
      }
    }

    private void executable(String what, Executable e) {
      for (TypeVariable<?> v : e.getTypeParameters()) {
        check(what, v);
      }
      for (Type t : e.getGenericParameterTypes()) {
        check(what, t);
      }
      for (Type t : e.getGenericExceptionTypes()) {
        check(what, t);
      }
    }

    private void check(String what, Type t) {
      Set<String> shown = new TreeSet<>();
      collect(t, shown, new HashSet<>());
      for (String className : shown) {
        String pkg = className.lastIndexOf('.') < 0 ? ""
            : className.substring(0, className.lastIndexOf('.'));
        if (forbidden(pkg)) {
          found.add(type.getName() + ": " + what + " shows " + className);
        }
      }
    }

    private boolean forbidden(String pkg) {
      if (isInternal(pkg)) {
        return true;
      }
      for (String p : prefixes) {
        if (pkg.equals(p) || pkg.startsWith(p + ".")) {
          return true;
        }
      }
      return false;
    }

    private static boolean visible(Member m) {
      int mod = m.getModifiers();
      return Modifier.isPublic(mod) || Modifier.isProtected(mod);
    }

    private static String signature(Method m) {
      StringBuilder s = new StringBuilder(m.getName()).append('(');
      for (Class<?> p : m.getParameterTypes()) {
        s.append(p.getName()).append(',');
      }
      return s.append(')').toString();
    }
  }

  /** Adds the names of every class {@code t} mentions, type arguments and bounds included. */
  private static void collect(Type t, Set<String> into, Set<TypeVariable<?>> seen) {
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!c.isPrimitive()) {
        into.add(c.getName()); // a binary name: a nested type's '$' never hides its package
      }
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), into, seen);
      if (p.getOwnerType() != null) {
        collect(p.getOwnerType(), into, seen);
      }
      for (Type a : p.getActualTypeArguments()) {
        collect(a, into, seen);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, into, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, into, seen);
      }
    } else if (t instanceof TypeVariable<?> v) {
      if (seen.add(v)) {
        for (Type b : v.getBounds()) {
          collect(b, into, seen);
        }
      }
    } else if (t instanceof GenericArrayType a) {
      collect(a.getGenericComponentType(), into, seen);
    }
  }

  /** Every class under {@code dir}, loaded without initialization, by binary name. */
  private static Map<String, Class<?>> loadAll(Path dir) {
    List<String> names = classNames(dir);
    if (names.isEmpty()) {
      throw new IllegalStateException("no class files under " + dir);
    }
    ClassLoader parent = Thread.currentThread().getContextClassLoader();
    URL url;
    try {
      url = dir.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(dir.toString(), e);
    }
    // Parent first: classes the caller's class path holds already are the same classes.
    URLClassLoader loader = new URLClassLoader(new URL[] {url}, parent);
    Map<String, Class<?>> classes = new LinkedHashMap<>();
    for (String name : names) {
      try {
        classes.put(name, Class.forName(name, false, loader));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("cannot load " + name + " from " + dir
            + "; are its dependencies on the class path?", e);
      }
    }
    return classes;
  }

  private static List<String> classNames(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(dir + " is not a directory");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".class"))
          .map(f -> dir.relativize(f).toString().replace('\\', '/'))
          .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
          .filter(n -> !n.endsWith("module-info") && !n.endsWith("package-info"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- package cycles

  /**
   * The package dependency graph of the classes under {@code classesDir}, restricted to packages
   * named {@code packagePrefix} or under it, as the JDK's {@code jdeps -verbose:package} reads
   * the class files. Dependencies within a package are left out. Every package under the prefix
   * that jdeps saw is a key, with an empty set when it depends on no other such package.
   *
   * @throws IllegalStateException when the running JDK has no jdeps, or jdeps fails
   */
  public static Map<String, Set<String>> packageGraph(Path classesDir, String packagePrefix) {
    Path copy = null;
    if (Files.exists(classesDir.resolve("module-info.class"))) {
      // jdeps would resolve the module's requires, which are not on a module path here; the
      // packages' dependencies are the same without the descriptor.
      copy = withoutDescriptor(classesDir);
      classesDir = copy;
    }
    try {
      return jdepsGraph(classesDir, packagePrefix);
    } finally {
      if (copy != null) {
        delete(copy);
      }
    }
  }

  private static Path withoutDescriptor(Path classesDir) {
    try {
      Path copy = Files.createTempDirectory("jdeps-");
      try (Stream<Path> files = Files.walk(classesDir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Path to = copy.resolve(classesDir.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else if (f.getFileName().toString().endsWith(".class")
              && !f.getFileName().toString().equals("module-info.class")) {
            Files.copy(f, to);
          }
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Set<String>> jdepsGraph(Path classesDir, String packagePrefix) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() ->
        new IllegalStateException("jdeps is not available: run the tests on a JDK, not a JRE"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
      status = jdeps.run(o, e, "-verbose:package", "-filter:package", "-quiet",
          classesDir.toString());
    }
    if (status != 0) {
      throw new IllegalStateException(
          "jdeps failed (" + status + ") on " + classesDir + ": " + err + out);
    }
    return parseJdeps(out.toString(), packagePrefix);
  }

  /**
   * Reads jdeps' {@code -verbose:package} lines ({@code "   a.b   -> c.d   where"}) into a graph
   * of the packages named {@code packagePrefix} or under it.
   */
  static Map<String, Set<String>> parseJdeps(String output, String packagePrefix) {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (String line : output.split("\\R")) {
      if (line.isEmpty() || !Character.isWhitespace(line.charAt(0))) {
        continue; // the archive summary lines ("classes -> java.base") start in column 0
      }
      String[] parts = line.strip().split("\\s+");
      if (parts.length < 3 || !parts[1].equals("->")) {
        continue;
      }
      String from = parts[0];
      String to = parts[2];
      if (!under(from, packagePrefix)) {
        continue;
      }
      Set<String> targets = graph.computeIfAbsent(from, k -> new TreeSet<>());
      if (under(to, packagePrefix) && !to.equals(from)) {
        targets.add(to);
        graph.computeIfAbsent(to, k -> new TreeSet<>());
      }
    }
    return graph;
  }

  private static boolean under(String pkg, String prefix) {
    return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
  }

  /**
   * The cycles among the packages under {@code classesDir} named {@code packagePrefix} or under
   * it: each a strongly connected set of two or more packages (Tarjan), sorted; empty when the
   * packages form a DAG.
   *
   * @throws IllegalStateException as {@link #packageGraph}
   */
  public static List<List<String>> packageCycles(Path classesDir, String packagePrefix) {
    return cycles(packageGraph(classesDir, packagePrefix));
  }

  /**
   * The strongly connected components of {@code graph} with two or more nodes, each sorted, in
   * the order of their smallest node. A node missing as a key has no edges.
   */
  public static List<List<String>> cycles(Map<String, ? extends Collection<String>> graph) {
    Tarjan t = new Tarjan(graph);
    for (String node : new TreeSet<>(graph.keySet())) {
      if (!t.index.containsKey(node)) {
        t.connect(node);
      }
    }
    t.components.sort((a, b) -> a.get(0).compareTo(b.get(0)));
    return List.copyOf(t.components);
  }

  private static final class Tarjan {
    private final Map<String, ? extends Collection<String>> graph;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new HashSet<>();
    private final List<List<String>> components = new ArrayList<>();
    private int next;

    Tarjan(Map<String, ? extends Collection<String>> graph) {
      this.graph = graph;
    }

    void connect(String v) {
      index.put(v, next);
      low.put(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      Collection<String> edges = graph.get(v);
      for (String w : edges == null ? List.<String>of() : edges) {
        if (!index.containsKey(w)) {
          connect(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        List<String> component = new ArrayList<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          component.sort(null);
          components.add(List.copyOf(component));
        }
      }
    }
  }
}
