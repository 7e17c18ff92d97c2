package dev.pullpolicy.plugin.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Status;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The light binding gives what Jackson data-binding gives, for every class {@code list} and {@code
 * status} read: an object with every property set (so a property added to the API module later is
 * covered the day it is added) goes through both and must come out the same.
 */
class JsonTest {
  private static final ObjectMapper JACKSON = Json.mapper();

  @ParameterizedTest
  @ValueSource(
      classes = {
        PullCredentialPolicy.class,
        Namespace.class,
        ServiceAccount.class,
        Secret.class,
        Status.class
      })
  void bindsEveryPropertyAsJacksonDoes(Class<?> type) throws Exception {
    Object full = full(type, type, 0);
    byte[] json = JACKSON.writeValueAsBytes(full);
    JsonNode expected = JACKSON.valueToTree(JACKSON.readValue(json, type));
    Object bound = Json.read(json, type);
    JsonNode actual = JACKSON.valueToTree(bound);
    assertThat(actual).isEqualTo(expected);
    // and nothing was lost on the way: written again, it is what was read
    JsonNode again = JACKSON.readTree(JACKSON.writeValueAsBytes(bound));
    assertThat(again).isEqualTo(JACKSON.readTree(json));
  }

  @ParameterizedTest
  @ValueSource(classes = {Namespace.class, ServiceAccount.class})
  void keepsPropertiesTheModelDoesNotName(Class<?> type) throws Exception {
    byte[] json =
        "{\"metadata\":{\"name\":\"x\",\"futureField\":{\"a\":[1,true,\"s\"]}},\"newTopLevel\":2}"
            .getBytes();
    JsonNode light = JACKSON.valueToTree(Json.read(json, type));
    JsonNode databind = JACKSON.valueToTree(JACKSON.readValue(json, type));
    assertThat(light).isEqualTo(databind);
  }

  /** An instance with every property that has a setter given a value. */
  private static Object full(Type type, Class<?> owner, int depth) throws Exception {
    if (type instanceof TypeVariable<?> v) {
      type = resolve(v, owner);
    }
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (List.class.isAssignableFrom(raw)) {
        Object e = full(args[0], owner, depth + 1);
        return e == null ? List.of() : List.of(e);
      }
      if (Map.class.isAssignableFrom(raw)) {
        Object v = full(args[1], owner, depth + 1);
        return v == null ? Map.of() : Map.of("key-" + depth, v);
      }
      return full(raw, owner, depth);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) {
      return "text-" + depth;
    }
    if (c == Integer.class || c == int.class) {
      return 7 + depth;
    }
    if (c == Long.class || c == long.class) {
      return 70L + depth;
    }
    if (c == Boolean.class || c == boolean.class) {
      return true;
    }
    if (c.isEnum()) {
      Object[] constants = c.getEnumConstants();
      return constants[constants.length - 1];
    }
    if (c == Object.class || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
      return null;
    }
    if (depth > 6) {
      return null;
    }
    Object o = c.getDeclaredConstructor().newInstance();
    for (Method m : c.getMethods()) {
      if (!m.getName().startsWith("set")
          || m.getParameterCount() != 1
          || Modifier.isStatic(m.getModifiers())
          || m.getName().equals("setAdditionalProperties")
          || m.getName().equals("setManagedFields")) {
        continue;
      }
      Object value = full(m.getGenericParameterTypes()[0], c, depth + 1);
      if (value != null) {
        m.invoke(o, value);
      }
    }
    return o;
  }

  private static Type resolve(TypeVariable<?> v, Class<?> owner) {
    for (Class<?> k = owner; k != null; k = k.getSuperclass()) {
      if (k.getGenericSuperclass() instanceof ParameterizedType p
          && p.getRawType() == v.getGenericDeclaration()) {
        TypeVariable<?>[] vars = ((Class<?>) p.getRawType()).getTypeParameters();
        for (int i = 0; i < vars.length; i++) {
          if (vars[i].getName().equals(v.getName())) {
            return p.getActualTypeArguments()[i];
          }
        }
      }
    }
    return Object.class;
  }
}
