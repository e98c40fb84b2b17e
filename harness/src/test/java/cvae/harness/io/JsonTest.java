package cvae.harness.io;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    @Test
    void parsesAllValueKinds() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": 12345678901234567890} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "b", "e"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(-2L, a.get(1));
        assertEquals(3.5, a.get(2));
        assertEquals(1000.0, a.get(3));
        assertEquals(true, a.get(4));
        assertEquals(false, a.get(5));
        assertNull(a.get(6));
        assertEquals(Map.of("c", "d"), m.get("b"));
        assertEquals(1.2345678901234567e19, m.get("e")); // too big for a long
    }

    @Test
    void stringEscapesRoundTrip() {
        String s = "q\" b\\ s/ \b\f\n\r\t \u0001 é ✓ \uD83D\uDE00";
        String json = Json.write(s);
        assertEquals("\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001 é ✓ \uD83D\uDE00\"", json);
        assertEquals(s, Json.parse(json));
        assertEquals("\uD83D\uDE00/", Json.parse("\"\\ud83d\\uDE00\\/\""));
    }

    @Test
    void writesCompactly() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("i", 3);
        m.put("l", 4L);
        m.put("d", 0.1);
        m.put("whole", 2.0);
        m.put("f", 0.1f);
        m.put("shape", new int[] {2, 3});
        m.put("list", List.of("x", 1));
        m.put("n", null);
        assertEquals("{\"i\":3,\"l\":4,\"d\":0.1,\"whole\":2.0,\"f\":0.1,\"shape\":[2,3],\"list\":[\"x\",1],\"n\":null}",
                Json.write(m));
        assertEquals(m.get("d"), ((Map<?, ?>) Json.parse(Json.write(m))).get("d"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    }

    @Test
    void rejectsMalformedInputWithOffset() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[1 2]", "\"abc", "\"\\x\"", "01", "-", "1.",
                "1e", "tru", "{\"a\":1} x", "{a:1}", "\"tab\there\"", "{\"k\":1,\"k\":2}", "\"\\u12G4\"")) {
            Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("at offset"), e.getMessage());
        }
    }

    @Test
    void refusesAbsurdNesting() {
        char[] open = new char[10_000];
        Arrays.fill(open, '[');
        assertThrows(Json.ParseException.class, () -> Json.parse(new String(open)));
    }
}
