package dev.secureingress.embedded.api;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes CEL regex library, with RE2 as on the API server: {@code 'abc 123'.find('[0-9]+') == '123'}
 * ({@code ''} when nothing matches), {@code 'a1b2'.findAll('[0-9]')} and {@code findAll(regex, limit)} (a negative
 * limit finds all).
 */
final class CelRegexFunctions {

    private CelRegexFunctions() {
    }

    static CelLibrary library() {
        ListType strings = ListType.create(SimpleType.STRING);
        return CelLibrary.builder()
                .member("find", "string_find_string", SimpleType.STRING, List.of(SimpleType.STRING, SimpleType.STRING),
                        List.of(String.class, String.class), args -> {
                            Matcher matcher = pattern((String) args[1]).matcher((String) args[0]);
                            return matcher.find() ? matcher.group() : "";
                        })
                .member("findAll", "string_find_all_string", strings, List.of(SimpleType.STRING, SimpleType.STRING),
                        List.of(String.class, String.class), args -> findAll((String) args[0], (String) args[1], -1))
                .member("findAll", "string_find_all_string_int", strings,
                        List.of(SimpleType.STRING, SimpleType.STRING, SimpleType.INT),
                        List.of(String.class, String.class, Long.class),
                        args -> findAll((String) args[0], (String) args[1], (Long) args[2]))
                .build();
    }

    private static List<String> findAll(String text, String regex, long limit) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern(regex).matcher(text);
        while ((limit < 0 || found.size() < limit) && matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException invalid) {
            throw new CelLibrary.FunctionError("error parsing regexp: " + invalid.getMessage());
        }
    }
}
