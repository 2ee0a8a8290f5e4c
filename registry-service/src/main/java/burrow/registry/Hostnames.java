package burrow.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hostname rules. A name is lower-cased; at most 253 characters; labels of 1-63 letters, digits and inner
 * hyphens (no underscores, no empty labels); a wildcard is a {@code *} that is the whole first label.
 *
 * <p>Wildcard rules (ngrok's): {@code *.example.com} covers every name below example.com at any depth
 * ({@code a.example.com}, {@code a.b.example.com}, {@code *.b.example.com}) but not {@code example.com}
 * itself. When several reservations cover a name, the most specific one decides: the exact name first,
 * then the wildcard of its parent, then of its grandparent, and so on.
 */
public final class Hostnames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private Hostnames() { }

  /**
   * @return the normalized hostname
   * @throws RegistryException REG_VALIDATION naming {@code field}
   */
  public static String validate(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      throw RegistryException.invalid(field, field + " is required");
    }
    String host = raw.trim().toLowerCase(Locale.ROOT);
    if (host.length() > 253) {
      throw RegistryException.invalid(field, field + " is longer than 253 characters");
    }
    String[] labels = host.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (label.isEmpty()) {
        throw RegistryException.invalid(field, field + " \"" + raw + "\" has an empty label");
      }
      if (label.equals("*")) {
        if (i != 0) {
          throw RegistryException.invalid(field, field + " \"" + raw + "\": a wildcard may only be the first label");
        }
        if (labels.length < 3) {
          throw RegistryException.invalid(field, field + " \"" + raw + "\": a wildcard needs at least two labels after it");
        }
        continue;
      }
      if (label.indexOf('_') >= 0) {
        throw RegistryException.invalid(field, field + " \"" + raw + "\": underscores are not allowed in hostnames");
      }
      if (label.indexOf('*') >= 0) {
        throw RegistryException.invalid(field, field + " \"" + raw + "\": a wildcard may only be the first label");
      }
      if (!LABEL.matcher(label).matches()) {
        throw RegistryException.invalid(field, field + " \"" + raw + "\": label \"" + label
            + "\" must be 1-63 letters, digits or inner hyphens");
      }
    }
    return host;
  }

  /** @return true if {@code host} is a wildcard, e.g. {@code *.example.com} */
  public static boolean isWildcard(String host) {
    return host.startsWith("*.");
  }

  /**
   * The reservations that could cover {@code host}, most specific first: the name itself, then the
   * wildcard of each ancestor. For {@code a.b.example.com}: itself, {@code *.b.example.com},
   * {@code *.example.com}, {@code *.com}.
   */
  public static List<String> candidates(String host) {
    List<String> out = new ArrayList<>();
    out.add(host);
    String rest = host;
    int dot;
    while ((dot = rest.indexOf('.')) >= 0) {
      rest = rest.substring(dot + 1);
      if (!rest.isEmpty() && !("*." + rest).equals(host)) {
        out.add("*." + rest);
      }
    }
    return out;
  }

  /** @return true if {@code host} is {@code domain} or below it */
  public static boolean isUnder(String host, String domain) {
    return host.equals(domain) || host.endsWith("." + domain);
  }
}
