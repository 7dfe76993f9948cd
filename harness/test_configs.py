"""Configurations are data: every file follows the schema
(harness/configs/README.md), and the loader rejects what does not."""

import pytest

from harness import boot, config, qemu


@pytest.mark.parametrize("name", config.list_names())
def test_config_loads(name):
    cfg = config.load(name)
    assert cfg.description
    assert cfg.kernel
    argv = qemu.command(cfg)
    assert argv[0] == qemu.QEMU
    assert ("-icount" in argv) == cfg.deterministic


def test_every_config_valid_and_baselines_exist(capsys):
    assert boot.check_configs() == 0, capsys.readouterr().err


def write(tmp_path, name, text):
    p = tmp_path / f"{name}.toml"
    p.write_text(text)
    return p


TOP = """
description = "t"
firmware = "/fw.bin"
kernel = "{l1}"
append = "{bootargs}"
requires = ["{l1}"]
"""
DEFAULTS = """
[defaults]
l1 = "{build}/x.elf"
bootargs = "a=1"
"""
MINIMAL = TOP + DEFAULTS


def doc(top="", tables=""):
    return TOP + top + DEFAULTS + tables


def test_defaults_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("RVNEST_BUILD", "/tmp/bld")
    p = write(tmp_path, "t", MINIMAL)
    c = config.load_file(p)
    assert c.kernel == "/tmp/bld/x.elf"
    assert c.append == "a=1"
    assert c.requires == ("/tmp/bld/x.elf",)
    assert (c.machine, c.cpu, c.memory, c.smp, c.timeout) == ("virt", "rv64,h=true", "512M", 1, 60)
    assert c.success.require_done and c.success.done_status == 0
    assert not c.bench.matrix and c.bench.label == "t"
    c = config.load_file(p, l1="/other.elf", bootargs="rvnest.hang=1")
    assert c.kernel == "/other.elf" and c.append == "rvnest.hang=1"
    assert c.missing() == ["/other.elf", "/fw.bin"]


def test_command_line(tmp_path):
    c = config.load_file(write(tmp_path, "t", doc(top='devices = ["virtio-rng-device"]\n'
                                                  'extra_args = ["-d", "guest_errors"]\n')))
    c = c.with_overrides(initrd="/i")
    argv = qemu.command(c, icount=True)
    s = " ".join(argv)
    assert "-M virt -cpu rv64,h=true -m 512M -smp 1 -bios /fw.bin -kernel" in s
    assert "-initrd /i -append a=1 -device virtio-rng-device" in s
    assert "-icount shift=0,sleep=off" in s and s.endswith("-d guest_errors")
    assert "-icount" not in qemu.command(c, icount=False)
    argv = qemu.command(c, gdb_port=12345)
    assert "-S" in argv and "tcp:127.0.0.1:12345" in argv


@pytest.mark.parametrize("text,needle", [
    ('description = "t"\nkernel = "k"\n', "missing required key 'firmware'"),
    (doc(top="smp = 0\n"), "'smp' must be >= 1"),
    (doc(top='smp = "2"\n'), "'smp' must be int"),
    (doc(top="deterministic = 1\n"), "'deterministic' must be bool"),
    (doc(top="timeout = true\n"), "'timeout' must be int/float"),
    (doc(top="colour = 1\n"), "unknown key 'colour'"),
    (doc(tables='[bench]\nl0_traps = "l1"\n'), "l0_traps must be one of"),
    (doc(tables='[success]\nmarker = "("\n'), "marker is not a valid regex"),
    (MINIMAL.replace("{l1}", "{l2}", 1), "unknown placeholder '{l2}'"),
    (doc(top="extra_args = [1]\n"), "'extra_args' must be a list of strings"),
    ("description = \n", "not valid TOML"),
])
def test_schema_errors(tmp_path, text, needle):
    with pytest.raises(config.ConfigError) as e:
        config.load_file(write(tmp_path, "bad", text))
    assert needle in str(e.value)
    assert "bad" in str(e.value)  # names the configuration


def test_unknown_config_names_known_ones():
    with pytest.raises(config.ConfigError, match="no configuration 'nosuch'.*single"):
        config.load("nosuch")


def test_literal_braces(tmp_path):
    c = config.load_file(write(tmp_path, "t", MINIMAL.replace('bootargs = "a=1"', 'bootargs = "x={{y}}"')))
    assert c.append == "x={y}"


def test_list_configs(capsys):
    assert boot.list_configs() == 0
    out = capsys.readouterr().out
    for n in config.list_names():
        assert out.count(n) >= 1


def test_missing_file_names_its_role(tmp_path, monkeypatch):
    """A nested configuration: L0 is the kernel, L1 travels as the initrd."""
    from harness import runner
    monkeypatch.setenv("RVNEST_BUILD", str(tmp_path))
    c = config.load_file(write(tmp_path, "n", """
description = "n"
firmware = "/fw.bin"
kernel = "{build}/l0.elf"
initrd = "{l1}"
extra_args = ["-fw_cfg", "name=opt/x,file={initrd}"]
requires = ["{build}/l0.elf", "{l1}", "{initrd}"]
[defaults]
l1 = "{build}/Image"
initrd = "{build}/init.gz"
"""))
    msgs = [runner._missing_message(c, p) for p in c.missing()]
    assert msgs == [
        f"config n: kernel image {tmp_path}/l0.elf does not exist (build it with `make`, or pass another path)",
        f"config n: L1 image {tmp_path}/Image does not exist (build it with `make`, or pass another path)",
        f"config n: initrd {tmp_path}/init.gz does not exist (build it with `make`, or pass another path)",
        "config n: firmware /fw.bin does not exist (install it with `make deps`, or set `firmware` in the config)",
    ]
