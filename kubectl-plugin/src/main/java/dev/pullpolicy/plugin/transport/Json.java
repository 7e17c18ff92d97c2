package dev.pullpolicy.plugin.transport;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON and YAML for a short-lived command. The API server's answers and the kubeconfig are read
 * with Jackson's streaming parser into trees, and the Kubernetes model classes are filled from a
 * tree through their setters ({@link #bind}): a fresh JVM spends most of a first Jackson data-bind
 * on building an {@code ObjectMapper} and on reading every annotation of every model class (each
 * annotation type costs a generated proxy class), which this avoids. Jackson data-binding ({@link
 * #mapper()}) stays for what is not on the way of {@code list} and {@code status}: Pods, and
 * writing.
 */
public final class Json {
  private Json() {}

  private static final JsonFactory JSON = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Jackson data-binding, made on first use. */
  public static ObjectMapper mapper() {
    return Databind.MAPPER;
  }

  private static final class Databind {
    static final ObjectMapper MAPPER =
        new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .addMixIn(ObjectMeta.class, WithoutManagedFields.class);
  }

  /**
   * The server-side apply bookkeeping is never shown (kubectl hides it too) and is the costliest
   * part of an object to decode.
   */
  @JsonIgnoreProperties("managedFields")
  private interface WithoutManagedFields {}

  // ---------------------------------------------------------------- trees

  /** A JSON document as a tree. */
  public static JsonNode parse(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      return read(p);
    } catch (IOException e) {
      throw new UncheckedIOException("the answer is not JSON: " + firstLine(e.getMessage()), e);
    }
  }

  /** A YAML document (or JSON, which YAML includes) as a tree; missing when empty. */
  static JsonNode parseYaml(String yaml) throws IOException {
    try (JsonParser p = Yaml.FACTORY.createParser(yaml)) {
      return read(p);
    }
  }

  private static final class Yaml {
    static final YAMLFactory FACTORY = new YAMLFactory();
  }

  private static JsonNode read(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return MissingNode.getInstance();
    }
    return value(p, first);
  }

  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          o.set(name, value(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          a.add(value(p, e));
        }
        return a;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberType() == JsonParser.NumberType.INT
            ? NODES.numberNode(p.getIntValue())
            : NODES.numberNode(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new IOException("unexpected " + t);
    }
  }

  /** A small JSON object of strings, booleans and nested maps, written without data-binding. */
  static String write(Map<String, ?> object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeValue(g, object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object x : l) {
        writeValue(g, x);
      }
      g.writeEndArray();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Number n) {
      g.writeNumber(n.longValue());
    } else if (v instanceof JsonNode n) {
      writeValue(g, plain(n));
    } else if (v == null) {
      g.writeNull();
    } else {
      g.writeString(v.toString());
    }
  }

  // ---------------------------------------------------------------- binding

  /** The items of a list answer, never null. */
  public static <T> List<T> items(byte[] json, Class<T> type) {
    try (JsonParser p = JSON.createParser(json)) {
      List<T> out = new ArrayList<>();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("items") && v == JsonToken.START_ARRAY) {
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            out.add(type.cast(value(p, e, type, type)));
          }
        } else {
          p.skipChildren();
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the API server's answer does not parse: " + firstLine(e.getMessage()), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot decode a " + type.getSimpleName() + ": " + e, e);
    }
  }

  /** An object answer. */
  public static <T> T read(byte[] json, Class<T> type) {
    try (JsonParser p = JSON.createParser(json)) {
      return type.cast(value(p, p.nextToken(), type, type));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the API server's answer does not parse: " + firstLine(e.getMessage()), e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot decode a " + type.getSimpleName() + ": " + e, e);
    }
  }

  /** The items of a list answer through Jackson data-binding (for classes {@link #read} skips). */
  public static <T> List<T> itemsByDatabind(byte[] json, Class<T> type) {
    JavaType listType = mapper().getTypeFactory().constructParametricType(ItemList.class, type);
    try {
      ItemList<T> list = mapper().readValue(json, listType);
      return list.items() == null ? List.of() : list.items();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the API server's answer does not parse: " + firstLine(e.getMessage()), e);
    }
  }

  /** A Kubernetes list: only its items matter here. */
  public record ItemList<T>(List<T> items) {}

  /** Writes a model object through Jackson data-binding (nulls left out). */
  public static byte[] writeObject(Object value) {
    try {
      return mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the value at the parser's current token into {@code type}, as Jackson would for the model
   * classes, straight from the parser (no tree in between): a property {@code fooBar} goes to
   * {@code setFooBar}, of the setter's declared type (lists, string-keyed maps, enums by name,
   * nested objects, boxed and primitive numbers and booleans); a property without a setter goes to
   * {@code setAdditionalProperty} when the class keeps unknown ones, else it is skipped unread, as
   * is {@code metadata.managedFields}. Records (this plugin's own answer shapes) are built through
   * their canonical constructor.
   */
  private static Object value(JsonParser p, JsonToken t, Type type, Class<?> owner)
      throws IOException, ReflectiveOperationException {
    if (t == null || t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (type instanceof TypeVariable<?> variable) {
      type = resolve(variable, owner);
    }
    if (type instanceof ParameterizedType pt) {
      Class<?> raw = (Class<?>) pt.getRawType();
      Type[] args = pt.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        if (t != JsonToken.START_ARRAY) {
          p.skipChildren();
          return null;
        }
        List<Object> out = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          out.add(value(p, e, args[0], owner));
        }
        return out;
      }
      if (Map.class.isAssignableFrom(raw)) {
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String key = p.currentName();
          out.put(key, value(p, p.nextToken(), args[1], owner));
        }
        return out;
      }
      return value(p, t, raw, owner);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return t.isScalarValue() ? p.getText() : value(p, t).toString();
    }
    if (c == Integer.class || c == int.class) {
      return p.getValueAsInt();
    }
    if (c == Long.class || c == long.class) {
      return p.getValueAsLong();
    }
    if (c == Boolean.class || c == boolean.class) {
      return p.getValueAsBoolean();
    }
    if (c == Double.class || c == double.class) {
      return p.getValueAsDouble();
    }
    if (c == Object.class) {
      return plain(value(p, t));
    }
    if (c.isEnum()) {
      String text = p.getValueAsString();
      for (Object constant : c.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(text)) {
          return constant;
        }
      }
      p.skipChildren();
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    if (c.isRecord()) {
      return record(p, c);
    }
    Object target = c.getDeclaredConstructor().newInstance();
    Setters setters = setters(c);
    for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      Method setter = setters.byName.get(name);
      if (setter == null || (c == ObjectMeta.class && name.equals("managedFields"))) {
        if (setters.additional != null && !name.equals("managedFields")) {
          setters.additional.invoke(target, name, plain(value(p, v)));
        } else {
          p.skipChildren();
        }
        continue;
      }
      Object read = value(p, v, setter.getGenericParameterTypes()[0], c);
      if (read != null || !setter.getParameterTypes()[0].isPrimitive()) {
        setter.invoke(target, read);
      }
    }
    return target;
  }

  private static Object record(JsonParser p, Class<?> c)
      throws IOException, ReflectiveOperationException {
    var components = c.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
    }
    for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      int index = -1;
      for (int i = 0; i < components.length; i++) {
        if (components[i].getName().equals(name)) {
          index = i;
        }
      }
      if (index < 0) {
        p.skipChildren();
      } else {
        values[index] = value(p, v, components[index].getGenericType(), c);
      }
    }
    var constructor = c.getDeclaredConstructor(types);
    constructor.setAccessible(true);
    return constructor.newInstance(values);
  }

  /** A tree as plain Java values (maps, lists, strings, numbers, booleans, null). */
  static Object plain(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (node.isArray()) {
      List<Object> l = new ArrayList<>();
      node.forEach(e -> l.add(plain(e)));
      return l;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToInt() ? (Object) node.intValue() : (Object) node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }

  /** The setters of a class by property name, and its setter for unknown properties. */
  private record Setters(Map<String, Method> byName, Method additional) {}

  private static final Map<Class<?>, Setters> SETTERS = new HashMap<>();

  private static Setters setters(Class<?> c) {
    Setters s = SETTERS.get(c);
    if (s == null) {
      Map<String, Method> byName = new HashMap<>();
      Method additional = null;
      for (Method m : c.getMethods()) {
        String n = m.getName();
        if (Modifier.isStatic(m.getModifiers()) || !n.startsWith("set") || n.length() < 4) {
          continue;
        }
        if (m.getParameterCount() == 1) {
          String property = Character.toLowerCase(n.charAt(3)) + n.substring(4);
          Method known = byName.get(property);
          // A bridge method (erased generics) loses to the real one.
          if (known == null || known.isBridge()) {
            byName.put(property, m);
          }
        } else if (m.getParameterCount() == 2
            && n.equals("setAdditionalProperty")
            && m.getParameterTypes()[0] == String.class) {
          additional = m;
        }
      }
      s = new Setters(byName, additional);
      SETTERS.put(c, s);
    }
    return s;
  }

  /** A type variable of a generic superclass (CustomResource's spec and status types). */
  private static Type resolve(TypeVariable<?> variable, Class<?> owner) {
    for (Class<?> k = owner; k != null && k != Object.class; k = k.getSuperclass()) {
      Type sup = k.getGenericSuperclass();
      if (sup instanceof ParameterizedType p
          && p.getRawType() == variable.getGenericDeclaration()) {
        TypeVariable<?>[] vars = ((Class<?>) p.getRawType()).getTypeParameters();
        for (int i = 0; i < vars.length; i++) {
          if (vars[i].getName().equals(variable.getName())) {
            return p.getActualTypeArguments()[i];
          }
        }
      }
    }
    return Object.class;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
