package burrow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import burrow.dist.Burrow;
import burrow.edge.EdgeOptions;
import burrow.edge.cluster.ClusterOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Parses every manifest under k8s/ with the fabric8 model, renders each region overlay with a small kustomize-like
 * merge (resources, then patches deep-merged by kind and name), and checks that ports, probes, labels, selectors and
 * the command lines agree with the edge's configuration and the CLI.
 */
class K8sManifestsTest {
  static final Path K8S = Path.of(System.getProperty("burrow.root", "..")).resolve("k8s");
  final KubernetesSerialization k8s = new KubernetesSerialization();
  final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  @ParameterizedTest
  @ValueSource(strings = {"us", "eu"})
  void overlayAgreesWithTheEdge(String region) throws Exception {
    List<HasMetadata> objects = render(K8S.resolve("overlays").resolve(region));
    ConfigMap config = one(objects, ConfigMap.class, "burrow-edge-config");
    Map<String, String> c = config.getData();
    assertThat(c.get("BURROW_REGION")).isEqualTo(region);
    assertThat(c.get("BURROW_DOMAIN")).startsWith(region + ".");
    assertThat(c.get("BURROW_CLUSTER_DNS")).startsWith("burrow-edge-hz-" + region + ".burrow-" + region + ".");
    // the config's ports are the edge's defaults, so a bare `burrow edge` in the image matches the manifests
    assertThat(Integer.parseInt(c.get("BURROW_HTTP_PORT"))).isEqualTo(EdgeOptions.DEFAULT_HTTP_PORT);
    assertThat(Integer.parseInt(c.get("BURROW_HTTPS_PORT"))).isEqualTo(EdgeOptions.DEFAULT_HTTPS_PORT);
    assertThat(Integer.parseInt(c.get("BURROW_CONTROL_PORT"))).isEqualTo(EdgeOptions.DEFAULT_CONTROL_PORT);
    assertThat(Integer.parseInt(c.get("BURROW_RELAY_PORT"))).isEqualTo(ClusterOptions.DEFAULT_RELAY_PORT);
    assertThat(Integer.parseInt(c.get("BURROW_MANAGEMENT_PORT"))).isEqualTo(ClusterOptions.DEFAULT_MANAGEMENT_PORT);
    assertThat(Integer.parseInt(c.get("BURROW_CLUSTER_PORT"))).isEqualTo(ClusterOptions.DEFAULT_CLUSTER_PORT);
    assertThat(Long.parseLong(c.get("BURROW_GRACE_MS"))).isEqualTo(ClusterOptions.DEFAULT_GRACE);

    StatefulSet edge = one(objects, StatefulSet.class, "burrow-edge");
    Map<String, String> podLabels = edge.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(podLabels).containsAllEntriesOf(edge.getSpec().getSelector().getMatchLabels())
        .containsEntry("burrow.io/region", region);
    Container container = edge.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (ContainerPort p : container.getPorts()) {
      ports.put(p.getName(), p.getContainerPort());
    }
    assertThat(ports).containsEntry("http", Integer.parseInt(c.get("BURROW_HTTP_PORT")))
        .containsEntry("https", Integer.parseInt(c.get("BURROW_HTTPS_PORT")))
        .containsEntry("control", Integer.parseInt(c.get("BURROW_CONTROL_PORT")))
        .containsEntry("relay", Integer.parseInt(c.get("BURROW_RELAY_PORT")))
        .containsEntry("management", Integer.parseInt(c.get("BURROW_MANAGEMENT_PORT")))
        .containsEntry("hazelcast", Integer.parseInt(c.get("BURROW_CLUSTER_PORT")));
    assertThat(container.getEnvFrom().get(0).getConfigMapRef().getName()).isEqualTo(config.getMetadata().getName());
    assertProbe(container.getReadinessProbe(), "/readyz", ports, c);
    assertProbe(container.getLivenessProbe(), "/healthz", ports, c);
    assertThat(container.getLifecycle().getPreStop()).isNotNull();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(edge.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() * 1000)
        .isGreaterThan(Long.parseLong(c.get("BURROW_DRAIN_TIMEOUT_MS")));
    assertFlagsExist("edge", String.join(" ", container.getArgs()));

    Service pub = one(objects, Service.class, "burrow-edge");
    assertThat(pub.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(podLabels).containsAllEntriesOf(pub.getSpec().getSelector());
    String[] range = c.get("BURROW_TCP_PORT_RANGE").split("-");
    List<String> publicNames = new ArrayList<>();
    for (ServicePort sp : pub.getSpec().getPorts()) {
      IntOrString target = sp.getTargetPort();
      publicNames.add(sp.getName());
      if (target.getStrVal() != null) {
        assertThat(ports).containsKey(target.getStrVal());
        assertThat(target.getStrVal()).isIn("http", "https", "control");   // never relay, management, hazelcast
      } else {
        assertThat(target.getIntVal()).isBetween(Integer.parseInt(range[0]), Integer.parseInt(range[1]));
      }
    }
    assertThat(publicNames).contains("http", "https", "control");

    Service headless = one(objects, Service.class, "burrow-edge-hz");
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(podLabels).containsAllEntriesOf(headless.getSpec().getSelector());
    assertThat(edge.getSpec().getServiceName()).isEqualTo(headless.getMetadata().getName());
    assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getName).contains("hazelcast", "relay");

    PodDisruptionBudget pdb = one(objects, PodDisruptionBudget.class, "burrow-edge");
    assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    HorizontalPodAutoscaler hpa = one(objects, HorizontalPodAutoscaler.class, "burrow-edge");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(edge.getMetadata().getName());
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");

    StatefulSet registry = one(objects, StatefulSet.class, "burrow-registry");
    Map<String, String> regLabels = registry.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(regLabels).containsAllEntriesOf(headless.getSpec().getSelector());
    Container reg = registry.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(reg.getEnv()).extracting(e -> e.getName()).contains("BURROW_JDBC_URL", "BURROW_JDBC_PASSWORD");
    assertThat(reg.getEnv().stream().filter(e -> e.getName().equals("BURROW_JDBC_PASSWORD")).findFirst().orElseThrow()
        .getValueFrom().getSecretKeyRef().getName()).isEqualTo("burrow-postgres-" + region);
    assertFlagsExist("registry", String.join(" ", reg.getArgs()));
    for (String member : c.get("BURROW_CLUSTER_MEMBERS").split(",")) {
      assertThat(member).startsWith(registry.getMetadata().getName() + "-").contains("." + headless.getMetadata().getName() + ":");
    }
  }

  private static void assertProbe(Probe probe, String path, Map<String, Integer> ports, Map<String, String> c) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(ports.get(probe.getHttpGet().getPort().getStrVal()))
        .isEqualTo(Integer.parseInt(c.get("BURROW_MANAGEMENT_PORT")));
  }

  /** Every --flag in a container's command line is an option of that burrow subcommand. */
  private static void assertFlagsExist(String command, String args) {
    CommandLine cmd = Burrow.commandLine().getSubcommands().get(command);
    Matcher m = Pattern.compile("\\s(--[a-z0-9-]+)").matcher(" " + args);
    int n = 0;
    while (m.find()) {
      assertThat(cmd.getCommandSpec().findOption(m.group(1))).as(command + " " + m.group(1)).isNotNull();
      n++;
    }
    assertThat(n).isGreaterThan(3);
  }

  private <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String baseName) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().replaceAll("-(us|eu)$", "").equals(baseName)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + baseName));
  }

  // ------------------------------------------------------------ a tiny kustomize: resources, patches, suffix, labels

  @SuppressWarnings("unchecked")
  private List<HasMetadata> render(Path dir) throws Exception {
    Map<String, Object> kz = yaml.readValue(dir.resolve("kustomization.yaml").toFile(), Map.class);
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object r : (List<Object>) kz.getOrDefault("resources", List.of())) {
      Path p = dir.resolve(String.valueOf(r)).normalize();
      if (Files.isDirectory(p)) {
        for (HasMetadata o : render(p)) {
          docs.add(yaml.convertValue(o, Map.class));
        }
      } else {
        for (HasMetadata o : parse(p)) {
          docs.add(yaml.convertValue(o, Map.class));
        }
      }
    }
    for (Object patch : (List<Object>) kz.getOrDefault("patches", List.of())) {
      Path p = dir.resolve(String.valueOf(((Map<String, Object>) patch).get("path")));
      Map<String, Object> pm = yaml.readValue(p.toFile(), Map.class);
      Map<String, Object> target = docs.stream().filter(d -> d.get("kind").equals(pm.get("kind"))
              && meta(d).get("name").equals(meta(pm).get("name"))).findFirst()
          .orElseThrow(() -> new AssertionError(p + " patches nothing"));
      merge(target, pm);
    }
    String suffix = (String) kz.get("nameSuffix");
    Map<String, String> names = new LinkedHashMap<>();
    for (Map<String, Object> d : docs) {
      if (suffix != null) {
        String old = (String) meta(d).get("name");
        names.put(old, old + suffix);
        meta(d).put("name", old + suffix);
      }
      if (kz.get("namespace") != null) {
        meta(d).put("namespace", kz.get("namespace"));
      }
      for (Object l : (List<Object>) kz.getOrDefault("labels", List.of())) {
        Map<String, Object> lm = (Map<String, Object>) l;
        Map<String, Object> pairs = (Map<String, Object>) lm.get("pairs");
        addLabels(d, pairs, Boolean.TRUE.equals(lm.get("includeSelectors")));
      }
    }
    List<HasMetadata> out = new ArrayList<>();
    for (Map<String, Object> d : docs) {
      String text = yaml.writeValueAsString(d);
      for (Map.Entry<String, String> e : names.entrySet()) {   // name references (configMapRef, serviceName, secrets, ...)
        text = text.replaceAll("(name|serviceName|secretName): \"?" + Pattern.quote(e.getKey()) + "\"?\\n",
            "$1: \"" + e.getValue() + "\"\n");
      }
      out.add(k8s.unmarshal(text));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void addLabels(Map<String, Object> d, Map<String, Object> pairs, boolean selectors) {
    ((Map<String, Object>) meta(d).computeIfAbsent("labels", k -> new LinkedHashMap<>())).putAll(pairs);
    if (!selectors || !(d.get("spec") instanceof Map<?, ?> spec)) {
      return;
    }
    Map<String, Object> s = (Map<String, Object>) spec;
    if (s.get("selector") instanceof Map<?, ?> sel) {
      Map<String, Object> target = sel.get("matchLabels") instanceof Map<?, ?> ml ? (Map<String, Object>) ml
          : (Map<String, Object>) sel;
      target.putAll(pairs);
    }
    if (s.get("template") instanceof Map<?, ?> t && ((Map<String, Object>) t).get("metadata") instanceof Map<?, ?> tm) {
      ((Map<String, Object>) ((Map<String, Object>) tm).computeIfAbsent("labels", k -> new LinkedHashMap<>())).putAll(pairs);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> meta(Map<String, Object> d) {
    return (Map<String, Object>) d.get("metadata");
  }

  @SuppressWarnings("unchecked")
  private static void merge(Map<String, Object> into, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> pv && into.get(e.getKey()) instanceof Map<?, ?> iv) {
        merge((Map<String, Object>) iv, (Map<String, Object>) pv);
      } else {
        into.put(e.getKey(), e.getValue());
      }
    }
  }

  private List<HasMetadata> parse(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      Object o = k8s.unmarshal(in);
      List<HasMetadata> out = new ArrayList<>();
      if (o instanceof List<?> l) {
        for (Object x : l) {
          out.add((HasMetadata) x);
        }
      } else {
        out.add((HasMetadata) o);
      }
      return out;
    }
  }

  @org.junit.jupiter.api.Test
  void everyManifestParsesWithNoUnknownField() throws Exception {
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")
          && !p.getParent().getFileName().toString().matches("us|eu")).toList()) {
        for (HasMetadata o : parse(f)) {
          assertThat(o.getMetadata().getName()).as(f.toString()).isNotBlank();
          List<String> unknown = new ArrayList<>();
          unknownFields(o, o.getKind(), unknown, 0);
          assertThat(unknown).as(f.toString()).isEmpty();
        }
      }
    }
  }

  /** Fields the model does not know land in additionalProperties: a typo such as {@code imagee}. */
  @SuppressWarnings("unchecked")
  private static void unknownFields(Object o, String path, List<String> out, int depth) throws Exception {
    if (o == null || depth > 12 || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      if (o instanceof List<?> l) {
        for (int i = 0; i < l.size(); i++) {
          unknownFields(l.get(i), path + "[" + i + "]", out, depth + 1);
        }
      }
      return;
    }
    for (java.lang.reflect.Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
        continue;
      }
      Object v = m.invoke(o);
      if (m.getName().equals("getAdditionalProperties")) {
        if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
          out.add(path + ": unknown " + extra.keySet());
        }
      } else if (!(o instanceof IntOrString)) {
        unknownFields(v, path + "." + m.getName().substring(3), out, depth + 1);
      }
    }
  }
}
