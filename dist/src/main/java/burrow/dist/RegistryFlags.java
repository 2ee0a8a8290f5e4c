package burrow.dist;

import burrow.agent.config.BurrowHome;
import burrow.registry.RegistryOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Registry settings shared by {@code burrow registry} and {@code burrow edge --with-registry}. */
public class RegistryFlags {
  @Option(names = "--registry-host", defaultValue = "127.0.0.1", description = "registry API address (default ${DEFAULT-VALUE})")
  String host;
  @Option(names = "--registry-port", defaultValue = "4041", description = "registry API and dashboard port (default ${DEFAULT-VALUE})")
  int port;
  @Option(names = "--data-dir", description = "data directory for the embedded H2 store (default <burrow home>/registry)")
  String dataDir;
  @Option(names = "--jdbc-url", description = "PostgreSQL JDBC URL instead of the H2 file (password from $BURROW_JDBC_PASSWORD)")
  String jdbcUrl;
  @Option(names = "--jdbc-user", description = "database user")
  String jdbcUser;
  @Option(names = "--cluster-members", split = ",", description = "Hazelcast members host:port,... (static TCP-IP discovery)")
  List<String> members = new ArrayList<>();
  @Option(names = "--cluster-host", defaultValue = "127.0.0.1", description = "address Hazelcast binds (default ${DEFAULT-VALUE})")
  String clusterHost;
  @Option(names = "--cluster-port", defaultValue = "5701", description = "Hazelcast port (default ${DEFAULT-VALUE})")
  int clusterPort;
  @Option(names = "--cluster-name", defaultValue = "burrow", description = "Hazelcast cluster name (default ${DEFAULT-VALUE})")
  String clusterName;

  RegistryOptions toOptions(String edgeDomain) {
    return new RegistryOptions().setHost(host).setPort(port)
        .setDataDir(dataDir != null ? dataDir : BurrowHome.dir().resolve("registry").toString())
        .setJdbcUrl(jdbcUrl).setJdbcUser(jdbcUser).setJdbcPassword(System.getenv("BURROW_JDBC_PASSWORD"))
        .setAdminToken(System.getenv("BURROW_ADMIN_TOKEN"))
        .setClusterMembers(members).setClusterHost(clusterHost).setClusterPort(clusterPort)
        .setClusterName(clusterName).setEdgeDomain(edgeDomain);
  }
}
