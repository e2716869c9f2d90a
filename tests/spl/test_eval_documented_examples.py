"""Every eval-function example whose result a Search Reference page states, run through the real engine
(``| makeresults | eval x=...``). Each row carries its page and the quoted sentence; rows marked ``assumed``
pin a choice the engine made where the page is silent. Inputs the page says are not accepted must be refused
as unsupported, never answered. The pages are the Splunk Enterprise 10.0 Search Reference's "Evaluation
functions" pages (the constants below).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contentpack.spl import SplUnsupportedError

from .spl_support import make_engine, rows

_BASE = "https://help.splunk.com/splunk-enterprise/search/spl-search-reference/10.0/evaluation-functions/"
CONDITIONAL = _BASE + "comparison-and-conditional-functions"
CONVERSION = _BASE + "conversion-functions"
INFORMATIONAL = _BASE + "informational-functions"
MATH = _BASE + "mathematical-functions"
MULTIVALUE = _BASE + "multivalue-eval-functions"
STATISTICAL = _BASE + "statistical-eval-functions"
TEXT = _BASE + "text-functions"
JSON = _BASE + "json-functions"
DATE_AND_TIME = _BASE + "date-and-time-functions"
TIME_VARIABLES = "https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers"

PONIES = 'split("buttercup,dash,flutter,honey,ivory,minty,pinky,rarity", ",")'
NAMES = 'split("alex,celestino,claudia,david,ikraam,nyah,rutherford,wei", ",")'


@dataclass(frozen=True)
class Example:
    """One documented example: the eval expression, the value the page states, where and how it says so."""

    expression: str
    expected: object
    page: str
    quote: str
    setup: str = ""  # eval assignments made first (the page's fields), e.g. 'name="baz"'
    tz: str = "UTC"


EXAMPLES: tuple[Example, ...] = (
    # Comparison and Conditional
    Example('case(500==200, "OK", 500==404, "Not found")', None, CONDITIONAL,
            "The function defaults to NULL if none of the <condition> arguments are true."),
    Example('case(408==200, "OK", 408==404, "Not found", true(), "Other")', "Other", CONDITIONAL,
            "If the values in the status field are not 200, or 404, the value used is Other."),
    Example('if(cidrmatch(subnet, ip), "true", "false")', "false", CONDITIONAL,
            "The IP address is not in the subnet, so search displays false in the result field.",
            setup='subnet="192.0.2.0/24", ip="192.0.3.0"'),
    Example('if(cidrmatch("192.0.2.0/24", ip), "in", "out")', "in", CONDITIONAL,
            "The IP address is located within the subnet, so it is displayed in the search results",
            setup='ip="192.0.2.56"'),
    Example('if(cidrmatch(subnet, ip), "true", "false")', "true", CONDITIONAL,
            "The IP address is located within the subnet, so search displays true in the result field.",
            setup='subnet="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff00/120", ip="2001:0db8:ffff:ffff:ffff:ffff:ffff:ff99"'),
    Example("coalesce(clientip, ipaddress)", "10.0.0.1", CONDITIONAL,
            "If both the clientip and ipaddress field exist in the event, this function returns the first "
            "argument, the clientip field.", setup='clientip="10.0.0.1", ipaddress="10.0.0.2"'),
    Example("coalesce(clientip, ipaddress)", "10.0.0.2", CONDITIONAL,
            "returns the first value that is not NULL", setup='ipaddress="10.0.0.2"'),
    Example('coalesce(null(), "", "x")', "", CONDITIONAL,
            "This function takes one or more values and returns the first value that is not NULL. "
            "(an empty string is a value, not NULL)"),
    Example('if(error == 200, "OK", "Error")', "OK", CONDITIONAL,
            "If error=200, the function returns err=OK. Otherwise the function returns err=Error.", setup="error=200"),
    Example('if(in(status, "404","500","503"),"true","false")', "true", CONDITIONAL,
            "The value of true is placed in the new field error if the status field contains one of the values "
            "404, 500, or 503.", setup='status="500"'),
    Example('if("203.0.113.255" in(ipaddress, clientip), "y", "n")', "y", CONDITIONAL,
            'return in=TRUE if the value 203.0.113.255 appears in either the ipaddress or clientip fields.',
            setup='ipaddress="10.0.0.1", clientip="203.0.113.255"'),
    Example('if(like(field, "foo%"), "yes a foo", "not a foo")', "yes a foo", CONDITIONAL,
            "The following example returns like=TRUE if the field value starts with foo", setup='field="foobar"'),
    Example('if(like(field, "foo%"), "yes a foo", "not a foo")', "not a foo", CONDITIONAL,
            "The following example returns like=TRUE if the field value starts with foo", setup='field="barfoo"'),
    Example('if(like(ipaddress, "198.%"), "y", "n")', "y", CONDITIONAL,
            "The percent ( % ) symbol is a wildcard with the like function", setup='ipaddress="198.51.100.7"'),
    Example('if(like("fxo", "f_o"), "y", "n")', "y", CONDITIONAL,
            "Use the underscore ( _ ) character as a wildcard to match a single character"),
    Example('if(like("fxxo", "f_o"), "y", "n")', "n", CONDITIONAL,
            "Use the underscore ( _ ) character as a wildcard to match a single character"),
    Example(r'if(match(field, "^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$"), 1, 0)', 1, CONDITIONAL,
            "returns TRUE if, and only if, field matches the basic pattern of an IP address",
            setup='field="10.1.2.3"'),
    Example(r'if(match(test, "\"yes\""), 1, 0)', 1, CONDITIONAL,
            "you must use the backslash ( \\ ) character to escape the embedded quotation marks",
            setup=r'test="\"yes\""'),
    Example("nullif(names, ponies)", "buttercup", CONDITIONAL,
            "If the values are different, the value from the first field specified are displayed",
            setup='names="buttercup", ponies="mistmane"'),
    Example("nullif(names, ponies)", None, CONDITIONAL,
            "If the values are the same, no value is returned.", setup='names="rarity", ponies="rarity"'),
    Example('validate(isint(port), "ERROR: Port is not an integer", port >= 1 AND port <= 65535, '
            '"ERROR: Port is out of range")', "ERROR: Port is out of range", CONDITIONAL,
            "returns the value that corresponds to the condition that evaluates to FALSE", setup="port=70000"),
    Example('validate(isint(port), "ERROR: Port is not an integer", port >= 1 AND port <= 65535, '
            '"ERROR: Port is out of range")', None, CONDITIONAL,
            "This function defaults to NULL if all conditions evaluate to TRUE.", setup="port=443"),
    # Conversion
    Example('ipmask("255.255.255.0", "10.20.30.120")', "10.20.30.0", CONVERSION,
            "The output of this example is 10.20.30.0."),
    Example('ipmask("0.255.0.224", "10.20.30.120")', "0.20.0.96", CONVERSION,
            "In this example, the masked value is 0.20.0.96."),
    Example('printf("%.3A",pi())', "0X1.922P+1", CONVERSION, 'printf("%.3A",pi()) which returns 0X1.922P+1'),
    Example('printf("%c,%c",65,"Foo")', "A,F", CONVERSION, 'printf("%c,%c",65,"Foo") which returns A,F'),
    Example('printf("%d,%i,%d",-2,+4,30)', "-2,4,30", CONVERSION, 'printf("%d,%i,%d",-2,+4,30) which returns -2,4,30'),
    Example('printf("%.2e",5139)', "5.14e+03", CONVERSION, 'printf("%.2e",5139) which returns 5.14e+03'),
    Example('printf("%.2f",pi())', "3.14", CONVERSION, 'printf("%.2f",pi()) which returns 3.14'),
    Example('printf("%.2g,%.2g",pi(),123)', "3.1,1.2e+02", CONVERSION,
            'printf("%.2g,%.2g",pi(),123) which returns 3.1,1.2e+02'),
    Example('printf("%o",255)', "377", CONVERSION, 'printf("%o",255) which returns 377'),
    Example('printf("%s%z", "foo", "bar")', "foobar", CONVERSION,
            '%s | %z | String ... printf("%s%z", "foo", "bar") which returns foobar'),
    Example('printf("%u",99)', "99", CONVERSION, 'printf("%u",99) which returns 99'),
    Example('printf("%x,%X,%p",10,10,10)', "a,A,A", CONVERSION,
            '%x or %X | %p ... printf("%x,%X,%p",10,10,10) which returns a,A,A'),
    Example('printf("100%%")', "100%", CONVERSION, 'printf("100%%") which returns 100%'),
    Example("""printf("%'d",12345)""", "12,345", CONVERSION, """printf("%'d",12345), which returns 12,345"""),
    Example('printf("%-4d",1)', "1   ", CONVERSION, 'printf("%-4d",1) which returns 1 , which is left justified'),
    Example('printf("%04d",1)', "0001", CONVERSION, 'printf("%04d",1), which returns 0001'),
    Example('printf("%+4d",1)', "  +1", CONVERSION, 'printf("%+4d",1), which returns +1 (right justified in 4)'),
    Example('printf("% -4d",1)', " 1  ", CONVERSION, 'printf("% -4d",1), which returns 1 (a space reserved for the sign)'),
    Example('printf("%#x", 1)', "0x1", CONVERSION, 'printf("%#x", 1), which returns 0x1'),
    Example('printf("%*d", 5, 123)', "  123", CONVERSION, 'printf("%*d", 5, 123) which returns 123 (width 5)'),
    Example('printf("%.*f", 1, 1.23)', "1.2", CONVERSION, 'printf("%.*f", 1, 1.23) which returns 1.2'),
    Example('printf("%*.*e", 9, 2, pi())', " 3.14e+00", CONVERSION,
            'printf("%*.*e", 9, 2, pi()) which returns 3.14e+00 (width 9)'),
    Example('tonumber("0A4",16)', 164, CONVERSION,
            'takes the hexadecimal number and uses a base of 16 to return the number "164".'),
    Example('tonumber("0101", 2)', 5, CONVERSION,
            'the result of the following function is 5: eval result = tonumber("0101", 2)'),
    Example("tonumber(trim(celsius))", 21, CONVERSION,
            "trims any leading or trailing spaces from the values in the celsius field before converting it",
            setup='celsius=" 21 "'),
    Example('tostring(1==1) + " " + tostring(15, "hex") + " " + tostring(12345.6789, "commas")',
            "True 0xF 12,345.68", CONVERSION, 'The following example returns "True 0xF 12,345.68".'),
    Example('tostring(foo, "duration")', "00:10:15", CONVERSION,
            "The following example returns foo=615 and foo2=00:10:15.", setup="foo=615"),
    Example('tostring(9, "binary")', "1001", CONVERSION,
            "the result of the following function is 1001, because the binary representation of 9 is 1001."),
    # Informational
    Example('typeof(12) + typeof("string") + typeof(1==2) + typeof(badfield)', "NumberStringBoolInvalid",
            INFORMATIONAL, 'This example returns "NumberStringBoolInvalid"'),
    Example("typeof(_time)", "Number", INFORMATIONAL, "| makeresults | eval t=typeof(_time) ... Number"),
    Example('if(isarray("[1, 2, 3]"), "True", "False")', "True", INFORMATIONAL,
            "The following search returns True because [1, 2, 3] is an array."),
    Example('if(isarray(1), "True", "False")', "False", INFORMATIONAL,
            "The result of the following search is False because 1 is not an array."),
    Example('if(isbool(1==2), "True", "False")', "True", INFORMATIONAL,
            "The following search returns True because 1==2 is Boolean."),
    Example('if(isbool(a), "True", "False")', "False", INFORMATIONAL,
            "The following search returns False because the value a is not Boolean."),
    Example('if(isnum("anystring"), "true", "false")', "false", INFORMATIONAL, "literalIsNumeric | false"),
    Example('if(isnum("NaN"), "true", "false")', "false", INFORMATIONAL,
            "Notice that literalNanIsNumeric is false because the isnum command interprets \"NaN\" as a string"),
    Example('if(isstr("anystring"), "true", "false")', "true", INFORMATIONAL, "literalIsStr | true"),
    Example('if(isstr("NaN"), "true", "false")', "true", INFORMATIONAL, "literalNanIsStr | true"),
    Example('if(isobject("games"), "True", "False")', "False", INFORMATIONAL,
            "The following example returns False because the value in the games field isn't a valid JSON object.",
            setup='games="Ticket to Ride, Settlers of Catan"'),
    Example('if(isobject(games), "True", "False")', "True", INFORMATIONAL,
            "The following example returns True because the value in the games field is a valid JSON object.",
            setup=r'games="{\"type\": \"competitive\", \"name\": \"Ticket to Ride\"}"'),
    Example(r'if(isobject("{cities: \"3\"}"), "is object", "is not object")', "is not object", INFORMATIONAL,
            "is_an_object | is not object"),
    Example('if(isnull(field),"yes","no")', "yes", INFORMATIONAL,
            "If there is no value for \"field\" in a result, the isnull function returns TRUE"),
    Example('if(isnotnull(field),"yes","no")', "yes", INFORMATIONAL,
            "If the value of \"field\" is a number, the isnotnull function returns TRUE", setup="field=5"),
    Example('if(isint(field),"int", "not int")', "int", INFORMATIONAL,
            "the isint function returns TRUE and the value adds the value \"int\" to the \"n\" field.", setup="field=5"),
    # Mathematical
    Example("ceil(1.9)", 2, MATH, "The following example returns n=2. ... eval n=ceil(1.9)"),
    Example("ceiling(1.9)", 2, MATH, "You can use the abbreviation ceil instead of the full name of the function."),
    Example("floor(1.9)", 1, MATH, "The following example returns 1. ... eval n=floor(1.9)"),
    Example("round(3.5)", 4, MATH, "The following example returns n=4. ... eval n=round(3.5)"),
    Example("round(2.555, 2)", 2.56, MATH, "The following example returns n=2.56. ... eval n=round(2.555, 2)"),
    Example("sqrt(9)", 3, MATH, "The following example returns 3: ... eval n=sqrt(9)"),
    Example("pi()", 3.14159265359, MATH,
            "This function takes no arguments and returns the constant pi to 11 digits of precision."),
    Example("round(exp(3), 6)", 20.085537, MATH,
            "The following example returns y=e3. ... eval y=exp(3)"),
    Example("log(8, 2)", 3, MATH,
            "returns the logarithm of the first argument <num> using the second argument <base>"),
    Example("log(1000)", 3, MATH,
            "If the second argument <base> is omitted, this function evaluates the logarithm of number with base 10."),
    # Multivalue
    Example('mvjoin(mvappend("localhost", srcip, destip, "192.168.1.1"), " ")',
            "localhost 203.0.113.0 203.0.113.255 192.168.1.1", MULTIVALUE,
            "localhost 203.0.113.0 203.0.113.255 192.168.1.1", setup='srcip="203.0.113.0", destip="203.0.113.255"'),
    Example("mvcount(Cc)", None, MULTIVALUE,
            "If there is no Cc address, the Cc field might not exist for the event. In that situation mvcount(cc) "
            "returns NULL."),
    Example('mvcount(split(To,"@"))-1', 1, MULTIVALUE,
            "uses the split function to separate the email address on the @ symbol", setup='To="a@example.com"'),
    Example('mvjoin(mvdedup(split("a,b,a,c,b", ",")), ",")', "a,b,c", MULTIVALUE,
            "returns a multivalue field with its duplicate values removed."),
    Example(r'mvjoin(mvfilter(match(email, "\.net$") OR match(email, "\.org$")), ",")', "a@x.net,c@z.org",
            MULTIVALUE, "returns all of the values in field email that end in .net or .org.",
            setup='email=split("a@x.net,b@y.com,c@z.org", ",")'),
    Example(r'mvfind(mymvfield, "err\d+")', 1, MULTIVALUE,
            "If a match exists, the index of the first matching value is returned (beginning with zero).",
            setup='mymvfield=split("ok,err42,err7", ",")'),
    Example(r'mvfind(mymvfield, "err\d+")', None, MULTIVALUE, "If no values match, NULL is returned.",
            setup='mymvfield=split("ok,fine", ",")'),
    Example(f"mvindex({NAMES}, 2)", "claudia", MULTIVALUE,
            "Because indexes start at zero, the following example returns the value claudia"),
    Example(f'mvjoin(mvindex({NAMES}, 0, 3), ",")', "alex,celestino,claudia,david", MULTIVALUE,
            "my_names | alex,celestino,claudia,david"),
    Example(f"mvindex({PONIES}, -1)", "rarity", MULTIVALUE, "my_ponies | rarity"),
    Example(f"mvindex({PONIES}, -3)", "minty", MULTIVALUE, "my_ponies | minty"),
    Example(f'mvjoin(mvindex({PONIES}, -3, -1), ",")', "minty,pinky,rarity", MULTIVALUE,
            "my_ponies | minty,pinky,rarity"),
    Example(f"mvindex({PONIES}, 8)", None, MULTIVALUE,
            "If the indexes are out of range or invalid, the result is NULL."),
    Example('mvjoin(mvrange(1,6), " OR ")', "1 OR 2 OR 3 OR 4 OR 5", MULTIVALUE,
            'You want to create a single value field instead, with OR as the delimiter. For example "1 OR 2 OR 3 '
            'OR 4 OR 5".'),
    Example('mvjoin(split("1;2;3", ";"), ";")', "1;2;3", MULTIVALUE,
            "joins together the individual values of \"myfield\" using a semicolon as the delimiter"),
    Example('mvjoin(mvmap(results, results*10), ",")', "10,20,30", MULTIVALUE,
            "The following example multiplies each value in the results field by 10.",
            setup='results=split("1,2,3", ",")'),
    Example('mvjoin(mvmap(mvindex(results, 1, 2), results*threshold), ",")', "20,30", MULTIVALUE,
            "The following example multiplies the 2nd and 3rd values in the results field by threshold",
            setup='results=split("1,2,3", ","), threshold=10'),
    Example('mvjoin(mvrange(1,11,2), ",")', "1,3,5,7,9", MULTIVALUE,
            "The following example returns a multivalue field with the values 1, 3, 5, 7, 9."),
    Example('mvjoin(mvrange(1514834731,1524134919,"7d"), " ")',
            "1514834731 1515439531 1516044331 1516649131 1517253931 1517858731 1518463531 1519068331 1519673131 "
            "1520277931 1520879131 1521483931 1522088731 1522693531 1523298331 1523903131", MULTIVALUE,
            "If the increment is a timespan such as 7d, the starting and ending numbers are treated as UNIX time. "
            "(the page's result steps 7 days less an hour across March 11 2018: a US zone's clock)",
            tz="America/Los_Angeles"),
    Example('mvjoin(mvsort(mvappend("10", "9", "70", "100")), ",")', "10,100,70,9", MULTIVALUE,
            "For example, the numbers 10, 9, 70, 100 are sorted lexicographically as 10, 100, 70, 9."),
    Example('mvjoin(mvzip(mvzip(field1,field2,"|"),field3,"|"), ",")', "a|1|x,b|2|y", MULTIVALUE,
            "The pipe ( | ) character is used as the separator between the field values.",
            setup='field1=split("a,b", ","), field2=split("1,2", ","), field3=split("x,y", ",")'),
    Example('mvjoin(mvzip(hosts,ports), ";")', "h1,80;h2,443", MULTIVALUE,
            "The default delimiter is a comma ( , ).", setup='hosts=split("h1,h2", ","), ports=split("80,443", ",")'),
    Example('mvjoin(split(test,""), ",")', "a,b,c,d", MULTIVALUE,
            "the following search splits the string into a, b, c, and d.", setup='test="abcd"'),
    Example('mvjoin(split(test,";"), " ")', "buttercup rarity tenderhoof dash mcintosh fleetfoot mistmane",
            MULTIVALUE, "Now each of the pony names in the test event is a field in a multivalue field.",
            setup='test="buttercup;rarity;tenderhoof;dash;mcintosh;fleetfoot;mistmane"'),
    Example('mvjoin(split(test,"def"), " ")', "1a2b3c4 567890", MULTIVALUE,
            "results | 1a2b3c4 567890", setup='test="1a2b3c4def567890"'),
    Example('mvjoin(split(test,"::"), " ")', "name value", MULTIVALUE, "results | name value",
            setup='test="name::value"'),
    # Statistical eval
    Example('max(1, 3, 6, 7, "foo", name)', "foo", STATISTICAL,
            'If the value in the name field is "baz" , then "foo" is returned.', setup='name="baz"'),
    Example('max(1, 3, 6, 7, "foo", name)', "zaz", STATISTICAL,
            'If the value in the name field is "zaz" , then "zaz" is returned.', setup='name="zaz"'),
    Example('min(3, 6, 7, "maria", size)', 3, STATISTICAL,
            "If the value in the size field is 9 , then 3 is returned.", setup='size="9"'),
    Example('min(3, 6, 7, "maria", size)', "1", STATISTICAL,
            "If the value in the size field is 1 , then 1 is returned.", setup='size="1"'),
    Example("max(n)", "6", STATISTICAL, "returns the maximum value, 6", setup='n=split("1 3 5 6 4 2", " ")'),
    Example("min(n)", "2", STATISTICAL, "returns the minimum value, 2", setup='n=split("3 5 6 4 7 2", " ")'),
    # Text
    Example("len(names)", 10, TEXT, "tenderhoof has length 10 (results table: 10 | tenderhoof)",
            setup='names="tenderhoof"'),
    Example('len("josé")', 4, TEXT, "This function returns a count of the UTF-8 code points in a string."),
    Example('lower("ADMIN")', "admin", TEXT, "returns the value provided by the field username in lowercase."),
    Example('upper("admin")', "ADMIN", TEXT, "returns the value provided by the field username in uppercase."),
    Example('ltrim(" ZZZZabcZZ ", " Z")', "abcZZ ", TEXT, 'The value that is returned is x="abcZZ ".'),
    Example('ltrim(NET_COST, "$")', "42.50", TEXT, "removes the dollar sign ( $ ) from the results",
            setup='NET_COST="$42.50"'),
    Example('rtrim(" ZZZZabcZZ ", " Z")', " ZZZZabc", TEXT, "The value returned is ZZZZabc."),
    Example('trim(" ZZZZabcZZ ", " Z")', "abc", TEXT, "The value returned is abc."),
    Example('trim("\t ab \t")', "ab", TEXT, "If not specified, spaces and tabs are removed from both sides of the string."),
    Example(r'replace(date, "^(\d{1,2})/(\d{1,2})/", "\2/\1/")', "14/1/2023", TEXT,
            "If the input is 1/14/2023 the return value would be 14/1/2023.", setup='date="1/14/2023"'),
    Example('substr("string", 1, 3) + substr("string", -3)', "string", TEXT,
            'The following example concatenates "str" and "ing" together, returning "string"'),
    Example('urldecode("http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader")',
            "http://www.splunk.com/download?r=header", TEXT,
            'The following example returns "http://www.splunk.com/download?r=header".'),
)

# The functions the Text functions page calls "not supported on multivalue fields": the call (``{}`` for the
# argument) and a multivalue of two values to give it.
MULTIVALUE_REFUSED: tuple[tuple[str, str, str], ...] = (
    ("len", "len({})", 'split("ab,c", ",")'),
    ("length", "length({})", 'split("ab,c", ",")'),
    ("substr", "substr({}, 2)", 'split("abc,de", ",")'),
    ("trim", "trim({})", 'split(" a , b ", ",")'),
    ("ltrim", "ltrim({})", 'split(" a , b ", ",")'),
    ("rtrim", 'rtrim({}, " ")', 'split(" a , b ", ",")'),
    ("replace", 'replace({}, "\\d", "#")', 'split("a1,b2", ",")'),
    ("urldecode", "urldecode({})", 'split("a%20b,c%2Fd", ",")'),
    ("spath", 'spath({}, "a")', 'split("{\\"a\\":1};{\\"a\\":2}", ";")'),
)

# Inputs a page says are not accepted, or modes the engine does not implement: refused, never answered.
REFUSED: tuple[Example, ...] = (
    Example('tostring("5", "binary")', SplUnsupportedError, CONVERSION,
            'Only integers in the range of 0 to 253 -1 are accepted as input to the function. For example, '
            'tostring("5", "binary") is not supported.'),
    Example('tostring(-1, "binary")', SplUnsupportedError, CONVERSION,
            "Only integers in the range of 0 to 253 -1 are accepted as input to the function."),
    Example('tostring(5, "octal")', SplUnsupportedError, CONVERSION,
            "The tostring function supports the following formats. (binary, hex, commas, duration)"),
    Example("round(1234.5, -2)", SplUnsupportedError, MATH, "You cannot specify a negative number for the decimal places."),
    Example('printf("%n", 1)', SplUnsupportedError, CONVERSION,
            "There are a few conversion specifiers from the C sprintf() function that are not supported, "
            "including: ... %n"),
    Example('printf("%1$s", "a")', SplUnsupportedError, CONVERSION,
            "including: ... %<num>$ specifier for picking which argument to use"),
    Example('printf("%S", "a")', SplUnsupportedError, CONVERSION, "%S, however %s is supported"),
    Example('strftime(0, "%L")', SplUnsupportedError,
            "https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers",
            "(%L is not one of the page's variables; the engine used to print it as literal text)"),
    Example('strptime("1", "%L")', SplUnsupportedError,
            "https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/time-format-variables-and-modifiers",
            "(%L is not one of the page's variables)"),
    Example("sum(1, 2, 3)", SplUnsupportedError, MATH, "The following example calculates the sum of three numbers "
            "and returns c=6. (sum is not implemented)"),
    Example("sigfig(1.00*1111)", SplUnsupportedError, MATH, "returning n=1110 and not 1111. (sigfig is not implemented)"),
    Example("avg(1, 2, 3)", SplUnsupportedError, STATISTICAL, "calculates the average of three numbers and returns c=2. "
            "(avg is not implemented)"),
    Example('mvreverse(split("1,2,3", ","))', SplUnsupportedError, MULTIVALUE,
            "The mvreverse command reverses the order of the values in a multivalue field. (not implemented)"),
    Example('ismv(split("1, 2, 3", ","))', SplUnsupportedError, INFORMATIONAL,
            "The following example returns True because the value in the number_list field is a multivalue. "
            "(ismv is not implemented)"),
    Example('toint("24")', SplUnsupportedError, CONVERSION,
            "converts the value 24 from a string to an integer (toint is not implemented)"),
) + tuple(
    # Each of these functions' sections on the 10.0 Text functions page (read in full; spath is on that page too)
    # says, word for word, "This function is not supported on multivalue fields." and states no result for such
    # an input (lower and upper say the opposite: "You can use this function on multivalue fields."). No page,
    # answer or issue found says what Splunk returns, so a multivalue argument is refused, never answered.
    Example(call.format(multivalue), SplUnsupportedError, TEXT, f"{name}: \"This function is not supported on "
            "multivalue fields.\"")
    for name, call, multivalue in MULTIVALUE_REFUSED
)


def _eval(example: Example) -> object:
    setup = f"| eval {example.setup} " if example.setup else ""
    engine = make_engine()
    engine.tz = example.tz
    return rows(engine, f"| makeresults {setup}| eval x={example.expression} | table x")[0].get("x")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.expression[:60])
def test_documented_example(example: Example) -> None:
    """The engine gives the page's stated result (the row's page and quote say where and how)."""
    assert _eval(example) == example.expected, f"{example.page}: {example.quote}"


@pytest.mark.parametrize("example", REFUSED, ids=lambda e: e.expression[:60])
def test_refused_example(example: Example) -> None:
    """Forms the page does not accept, or the engine does not implement, are refused loudly."""
    with pytest.raises(SplUnsupportedError):
        _eval(example)


@pytest.mark.parametrize(("name", "call", "multivalue"), MULTIVALUE_REFUSED, ids=lambda item: str(item))
def test_a_multivalue_refusal_names_the_function_and_the_multivalue(name: str, call: str, multivalue: str) -> None:
    """TEXT: "This function is not supported on multivalue fields." The refusal names the function and says its
    argument is a multivalue, so an author knows what to change; a multivalue field is refused like a computed
    multivalue."""
    inline = Example(call.format(multivalue), SplUnsupportedError, TEXT, "")
    field = Example(call.format("f"), SplUnsupportedError, TEXT, "", setup=f"f={multivalue}")
    for example in (inline, field):
        with pytest.raises(SplUnsupportedError,
                           match=rf"^{name}\(\): a multivalue argument \(2 values\) is not supported"):
            _eval(example)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('mvjoin(mvmap(f, trim(f)), "|")', "a|b"),
        ('mvjoin(mvmap(f, len(f)), "|")', "3|2"),
        ('mvjoin(mvmap(f, replace(f, " ", "_")), "|")', "_a_|_b"),
        ('len(mvindex(f, 1))', 2),
    ],
)
def test_mvmap_or_mvindex_gives_a_refused_function_one_value_at_a_time(expression: str, expected: object) -> None:
    """MULTIVALUE, mvmap: "This function iterates over the values of a multivalue field, performs an operation
    using the <expression> on each value, and returns a multivalue field with the list of results"; mvindex
    returns one value. Each call then has a single value, which the Text functions page supports; the way the
    refusal's message points to (ESCU's own searches read JSON values so: ``mvmap(tmp_evidencemv,
    spath(tmp_evidencemv, "entityType"))``, splunk/security_content)."""
    assert _eval(Example(expression, expected, MULTIVALUE, "", setup='f=split(" a , b", ",")')) == expected


# Choices the engine made where the page is silent (the quote says what the page does say): pinned so a change
# is deliberate.
ASSUMED: tuple[Example, ...] = (
    Example('mvjoin(mvappend("a", nofield, "b"), ",")', "a,b", MULTIVALUE,
            "mvappend: a null argument adds no value (the page lists strings, multivalue and single value fields)"),
    Example('tostring(2*86400 + 5, "duration")', "2+00:00:05", CONVERSION,
            'tostring "duration": the page shows only HH:MM:SS; a day or more is written D+HH:MM:SS'),
    Example('strftime(1800000000.123456, "%Y-%m-%dT%H:%M:%S.%Q")', "2027-01-15T08:00:00.123", TIME_VARIABLES,
            "%Q: the subsecond component, default milliseconds (%3Q); digits cut, not rounded"),
    Example('strftime(1800000000.5, "%s %N")', "1800000000 500000000", TIME_VARIABLES,
            "%s: the UNIX epoch seconds; %N: the default is %9N"),
    Example('relative_time(1800000000, "-1d@d")', 1799884800, DATE_AND_TIME,
            'relative_time(now(), "-1d@d") "determines the UNIX time value of the start of yesterday" (UTC here)'),
    Example('mvjoin(upper(split("a,b", ",")), ",")', "A,B", TEXT,
            "upper/lower: \"You can use this function on multivalue fields\": each value is converted"),
)


@pytest.mark.assumed
@pytest.mark.parametrize("example", ASSUMED, ids=lambda e: e.expression[:60])
def test_assumed_choice(example: Example) -> None:
    """Assumed: the page states no result for this input; the engine's choice is kept and pinned."""
    assert _eval(example) == example.expected, f"{example.page}: {example.quote}"


def test_convert_refuses_an_unknown_time_variable() -> None:
    """convert's timeformat takes the same variables as strftime (convert page: "For a list and descriptions of
    format options, see Common time format variables"); one the engine lacks is refused, not printed as text.
    https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/convert"""
    with pytest.raises(SplUnsupportedError, match="'%L' is not supported"):
        rows(make_engine(), '| makeresults | eval t=0 | convert timeformat="%L" ctime(t)')
