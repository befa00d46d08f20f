// The mariadb image's client (`mariadb`, and `mysql` under its deprecated name) against a mariadb
// server through a Service, MariaDB Connector/C's errors, and the mysql image's client and MariaDB's
// talking to each other's servers (one protocol).
import { describe, expect, it } from "vitest";
import { simConsole } from "../../console.ts";

function cluster() {
  const run = simConsole(9, 4000);
  run("kubectl run md --image=mariadb --env=MARIADB_ROOT_PASSWORD=pw --env=MARIADB_DATABASE=shop");
  run("kubectl expose pod md --port 3306");
  run("kubectl run my --image=mysql --env=MYSQL_ROOT_PASSWORD=pw");
  run("kubectl expose pod my --port 3306");
  run("kubectl run web --image=nginx");
  run("kubectl expose pod web --port 80");
  run("kubectl run mdc --image=mariadb --env=MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1");
  run("kubectl run myc --image=mysql --env=MYSQL_ALLOW_EMPTY_PASSWORD=1");
  run("kubectl get pods");
  run("kubectl get pods");
  return run;
}

const T = "command terminated with exit code";
const deprecated = "mysql: Deprecated program name. It will be removed in a future release, use '/usr/bin/mariadb' instead\n";

describe("mariadb's client in the mariadb image", () => {
  it.each([
    ["a boxed table on a terminal", "kubectl exec -it mdc -- mariadb -h md -uroot -ppw -e 'select 1'", "+---+\n| 1 |\n+---+\n| 1 |\n+---+\n"],
    ["tab-separated lines without one", "kubectl exec mdc -- mariadb -h md -uroot -ppw -e 'select 1, version()'", "1\tversion()\n1\t11.8.8-MariaDB-ubu2404\n"],
    ["`mysql`, the same client under its deprecated name", "kubectl exec mdc -- mysql -h md -uroot -ppw -e 'select 1'", `${deprecated}1\n1\n`],
    ["a wrong password", "kubectl exec -it mdc -- mariadb -h md -uroot -pnope -e 'select 1'", `ERROR 1045 (28000): Access denied for user 'root'@'CLIENT' (using password: YES)\n${T} 1\n`],
    ["an unknown host", "kubectl exec -it mdc -- mariadb -h nosuch -uroot -ppw -e 'select 1'", `ERROR 2005 (HY000): Unknown server host 'nosuch' (-2)\n${T} 1\n`],
    ["a port the Service does not serve (the packets go nowhere)", "kubectl exec -it mdc -- mariadb -h md -P 3307 -uroot -ppw -e 'select 1'", `ERROR 2002 (HY000): Can't connect to server on 'md' (110)\n${T} 1\n`],
    ["a server that does not speak the protocol", "kubectl exec -it mdc -- mariadb -h web -P 80 -uroot -ppw -e 'select 1'", `ERROR 2013 (HY000): Lost connection to server at 'handshake: reading initial communication packet', system error: 0\n${T} 1\n`],
    ["bad SQL", "kubectl exec -it md -- mariadb -uroot -ppw -e 'selec 1'", `ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'selec 1' at line 1\n${T} 1\n`],
    ["an unknown option", "kubectl exec -it mdc -- mariadb --bogus", `mariadb: unknown option '--bogus'\n${T} 1\n`],
  ])("%s", (_, command, expected) => {
    const run = cluster();
    const client = /mdc +1\/1 +Running +0 +\S+ +([\d.]+)/.exec(run("kubectl get pods -o wide").output)![1];
    expect(run(command).output).toBe(expected.replace("CLIENT", client));
  });

  it("stores rows in the database MARIADB_DATABASE created, over the local socket, and is refused once the Service has no endpoints", () => {
    const run = cluster();
    expect(run(`kubectl exec md -- mariadb -uroot -ppw shop -e "create table t (id int); insert into t values (7); select * from t"`).output).toBe("id\n7\n");
    run("kubectl delete pod md");
    run("kubectl get pods");
    expect(run("kubectl exec -it mdc -- mariadb -h md -uroot -ppw -e 'select 1'").output).toBe(`ERROR 2002 (HY000): Can't connect to server on 'md' (111)\n${T} 1\n`);
  });

  it("prints the MariaDB monitor's welcome, naming the server it reached", () => {
    const run = cluster();
    const welcome = run("kubectl exec -it mdc -- mariadb -h md -uroot -ppw").output;
    expect(welcome).toContain("Welcome to the MariaDB monitor.  Commands end with ; or \\g.\nYour MariaDB connection id is 8\nServer version: 11.8.8-MariaDB-ubu2404 mariadb.org binary distribution\n\nCopyright (c) 2000, 2018, Oracle, MariaDB Corporation Ab and others.\n");
    expect(run("kubectl exec -it mdc -- mariadb -h my -uroot -ppw").output).toContain("Your MySQL connection id is 8\nServer version: 8.4.7 MySQL Community Server - GPL\n");
  });
});

describe("one protocol, two clients", () => {
  it("the mysql image's client queries a mariadb server, and mariadb's client a mysql server", () => {
    const run = cluster();
    expect(run("kubectl exec myc -- mysql -h md -uroot -ppw -e 'select version()'").output).toBe(
      "mysql: [Warning] Using a password on the command line interface can be insecure.\nversion()\n11.8.8-MariaDB-ubu2404\n",
    );
    expect(run("kubectl exec mdc -- mariadb -h my -uroot -ppw -e 'select version()'").output).toBe("version()\n8.4.7\n");
  });

  it("MYSQL_ROOT_PASSWORD sets up a mariadb server too, and MARIADB_ROOT_PASSWORD_HASH logs root in by its password's hash", () => {
    const run = cluster();
    run("kubectl run old --image=mariadb --env=MYSQL_ROOT_PASSWORD=legacy");
    // SELECT PASSWORD('password'), the documented example of mysql_native_password's hash.
    run("kubectl run hashed --image=mariadb --env=MARIADB_ROOT_PASSWORD_HASH=*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    run("kubectl expose pod old --port 3306");
    run("kubectl expose pod hashed --port 3306");
    run("kubectl wait --for=condition=Ready pod/old pod/hashed");
    expect(run("kubectl exec mdc -- mariadb -h old -uroot -plegacy -e 'select 1'").output).toBe("1\n1\n");
    expect(run("kubectl exec mdc -- mariadb -h hashed -uroot -ppassword -e 'select 1'").output).toBe("1\n1\n");
    expect(run("kubectl exec mdc -- mariadb -h hashed -uroot -pother -e 'select 1'").output).toMatch(/^ERROR 1045 \(28000\): Access denied for user 'root'@'[\d.]+' \(using password: YES\)\n/);
  });
});
